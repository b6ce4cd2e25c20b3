# Deadline timers (docs/penalties.md): Cloud Tasks on the "deadlines" queue (tasks.tf) call
# accrue_penalties with an OIDC token of tasks-invoker; an hourly Cloud Scheduler job sweeps
# deadlines whose timer was lost (same identity, same function).

resource "google_service_account" "tasks_invoker" {
  account_id   = "tasks-invoker"
  display_name = "Passerelle deadline timers"
  description  = "OIDC identity of the deadline timer tasks and of the sweep job (invokes accrue_penalties)."

  depends_on = [time_sleep.apis_ready]
}

# The functions that arm timers enqueue tasks carrying this account's OIDC token: they act as
# it ("tasks-invoker:roles/iam.serviceAccountUser" grants of iam.tf).

resource "google_cloud_scheduler_job" "deadline_sweep" {
  name        = "deadline-sweep"
  description = "Processes deadlines whose check is overdue (a lost timer) by calling accrue_penalties."
  region      = var.region
  schedule    = "17 * * * *"
  time_zone   = "Europe/Paris"

  attempt_deadline = "300s"

  retry_config {
    retry_count = 1
  }

  http_target {
    http_method = "POST"
    uri         = google_cloudfunctions2_function.fn["accrue_penalties"].service_config[0].uri
    body        = base64encode("{\"sweep\": true}")
    headers = {
      "Content-Type" = "application/json"
    }

    # The audience accrue_penalties checks (PASSERELLE_INTERNAL_AUDIENCE, functions.tf), as the timers' tasks carry.
    oidc_token {
      service_account_email = google_service_account.tasks_invoker.email
      audience              = "${local.functions_base_url}/accrue-penalties"
    }
  }

  depends_on = [
    time_sleep.apis_ready,
    google_cloud_run_service_iam_member.invoker,
  ]
}
