# Cloud Scheduler jobs that call an internal function on a period, with the OIDC identity
# of scheduler-invoker (the deadline sweep has its own job and identity, deadlines.tf).

locals {
  scheduled_functions = {
    relay_outbox = {
      name        = "relay-outbox"
      description = "Publishes pending outbox events to Pub/Sub by calling relay_outbox."
      schedule    = var.relay_schedule
    }
    seal_audit = {
      name        = "seal-audit"
      description = "Chains new audit records by hash by calling seal_audit (B15)."
      schedule    = "* * * * *"
    }
    # Twice a day (03:30 and 15:30): every chain compared with its witnessed heads, read whole once a week
    # (B15); two runs a day let the absence alert (monitoring.tf, audit_check_missing: 23.5 h at most)
    # notice a single missed run.
    check_audit_witness = {
      name        = "check-audit-witness"
      description = "Compares every audit chain with the heads witnessed in the locked bucket by calling check_audit_witness (B15)."
      schedule    = "30 3,15 * * *"
    }
    # Daily, idempotent: the first run after 30 June / 31 December stores the half-year report
    # (B17); every later run finds it and writes nothing (a failed run is caught up the next day).
    publish_half_year_report = {
      name        = "publish-half-year-report"
      description = "Stores the purchasing body's half-year report (B17) by calling publish_half_year_report."
      schedule    = "0 6 * * *"
    }
    expire_quotes = {
      name        = "expire-quotes"
      description = "Expires submitted quotes past their validity date and tells their contractors (expire_quotes)."
      schedule    = "5 * * * *"
    }
    # Daily: contracts whose catalogue review (A14) is due within a month; each reminded once.
    remind_catalogue_reviews = {
      name        = "remind-catalogue-reviews"
      description = "Reminds contractors one month before a catalogue review is due (remind_catalogue_reviews, A14)."
      schedule    = "15 7 * * *"
    }
    # Chorus Pro calls nobody back: deposits and status changes are collected (docs/invoicing.md).
    sync_chorus_pro = {
      name        = "sync-chorus-pro"
      description = "Deposits accepted invoices on Chorus Pro and applies the statuses it reports (sync_chorus_pro)."
      schedule    = "*/15 * * * *"
    }
  }
}

resource "google_cloud_scheduler_job" "scheduled" {
  for_each    = local.scheduled_functions
  name        = each.value.name
  description = each.value.description
  region      = var.region
  schedule    = each.value.schedule
  time_zone   = "Europe/Paris"

  # As long as the function may run (a shorter deadline reports a long run as a failure and
  # pages ops); a missed tick is caught up by the next one.
  attempt_deadline = "${local.function_sizing[each.key].timeout}s"

  retry_config {
    retry_count = 0
  }

  http_target {
    http_method = "POST"
    uri         = google_cloudfunctions2_function.fn[each.key].service_config[0].uri
    body        = base64encode("{}")
    headers = {
      "Content-Type" = "application/json"
    }

    # The audience each function checks (PASSERELLE_INTERNAL_AUDIENCE, functions.tf): its cloudfunctions.net URL.
    oidc_token {
      service_account_email = google_service_account.scheduler_invoker.email
      audience              = "${local.functions_base_url}/${replace(each.key, "_", "-")}"
    }
  }

  depends_on = [
    time_sleep.apis_ready,
    google_cloud_run_service_iam_member.invoker,
  ]
}
