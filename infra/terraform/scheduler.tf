# Periodic trigger of relay_outbox (transactional outbox -> Pub/Sub).

resource "google_cloud_scheduler_job" "relay_outbox" {
  name        = "relay-outbox"
  description = "Publishes pending outbox events to Pub/Sub by calling relay_outbox."
  region      = var.region
  schedule    = var.relay_schedule
  time_zone   = "Europe/Paris"

  # A missed tick is caught up by the next one.
  attempt_deadline = "120s"

  retry_config {
    retry_count = 0
  }

  http_target {
    http_method = "POST"
    uri         = google_cloudfunctions2_function.fn["relay_outbox"].service_config[0].uri
    body        = base64encode("{}")
    headers = {
      "Content-Type" = "application/json"
    }

    oidc_token {
      service_account_email = google_service_account.scheduler_invoker.email
      audience              = google_cloudfunctions2_function.fn["relay_outbox"].service_config[0].uri
    }
  }

  depends_on = [
    google_project_service.enabled,
    google_cloud_run_service_iam_member.invoker,
  ]
}

# Periodic sealing of the audit trail's hash chains (B15).
resource "google_cloud_scheduler_job" "seal_audit" {
  name             = "seal-audit"
  description      = "Chains new audit records by hash by calling seal_audit."
  region           = var.region
  schedule         = "* * * * *"
  time_zone        = "Europe/Paris"
  attempt_deadline = "120s"

  retry_config {
    retry_count = 0
  }

  http_target {
    http_method = "POST"
    uri         = google_cloudfunctions2_function.fn["seal_audit"].service_config[0].uri
    body        = base64encode("{}")
    headers = {
      "Content-Type" = "application/json"
    }

    oidc_token {
      service_account_email = google_service_account.scheduler_invoker.email
      audience              = google_cloudfunctions2_function.fn["seal_audit"].service_config[0].uri
    }
  }

  depends_on = [
    google_project_service.enabled,
    google_cloud_run_service_iam_member.invoker,
  ]
}
