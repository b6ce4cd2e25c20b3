# Alerts of the platform. Each one has a runbook entry in README.md ("Runbook"), and its
# documentation block points there. Alerts exist even when nobody is notified (no alert_email,
# no notification_channels): incidents still open in the Cloud Monitoring console.

locals {
  notification_channels = concat(google_monitoring_notification_channel.ops_email[*].id, var.notification_channels)

  runbook = "infra/terraform/README.md, section Runbook"
}

resource "google_monitoring_notification_channel" "ops_email" {
  count = var.alert_email == "" ? 0 : 1

  display_name = "Passerelle ops e-mail"
  type         = "email"
  labels = {
    email_address = var.alert_email
  }

  depends_on = [time_sleep.apis_ready]
}

# --- Functions answering 5xx ----------------------------------------------------------------
# One incident per function (Cloud Run service): at least 5 % of its requests failed with a 5xx
# over 5 minutes, and at least 3 of them (a single failure of a quiet function is not a page).
# Bad input is answered 4xx by design, so a 5xx is a bug, an outage of a Google service, a
# timeout or an instance out of memory.

resource "google_monitoring_alert_policy" "function_5xx" {
  display_name = "Passerelle - function answering 5xx"
  combiner     = "OR"

  conditions {
    display_name = "5xx rate >= 5 % (and >= 3 requests) over 5 min, per function"

    condition_prometheus_query_language {
      query               = <<-EOT
        (
          sum by (service_name) (rate(run_googleapis_com:request_count{monitored_resource="cloud_run_revision", response_code_class="5xx"}[5m]))
          /
          sum by (service_name) (rate(run_googleapis_com:request_count{monitored_resource="cloud_run_revision"}[5m]))
        ) >= 0.05
        and
        sum by (service_name) (increase(run_googleapis_com:request_count{monitored_resource="cloud_run_revision", response_code_class="5xx"}[5m])) >= 3
      EOT
      duration            = "60s"
      evaluation_interval = "60s"
    }
  }

  notification_channels = local.notification_channels

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "Passerelle: $${metric.label.service_name} answers 5xx"
    content   = "Function `$${metric.label.service_name}` fails. Runbook: ${local.runbook}, \"Function answering 5xx\"."
  }

  depends_on = [time_sleep.apis_ready]
}

# --- Outbox not draining ------------------------------------------------------------------
# relay_outbox logs, on every run, how old the oldest message still pending is
# (shared/service/outbox.py: "outbox relay", oldest_pending_age_seconds). A command publishes
# its messages right after its commit, so a message pending for minutes means Pub/Sub refuses
# them or the relay cannot run.

resource "google_logging_metric" "outbox_oldest_pending_age" {
  name        = "passerelle_outbox_oldest_pending_age"
  description = "Age of the oldest pending outbox message seen by each relay_outbox run."
  filter      = "resource.type=\"cloud_run_revision\" AND jsonPayload.message=\"outbox relay\" AND jsonPayload.oldest_pending_age_seconds>=0"

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "DISTRIBUTION"
    unit         = "s"
    display_name = "Passerelle outbox: oldest pending message age"
  }

  value_extractor = "EXTRACT(jsonPayload.oldest_pending_age_seconds)"

  bucket_options {
    exponential_buckets {
      num_finite_buckets = 24
      growth_factor      = 2
      scale              = 1
    }
  }

  depends_on = [time_sleep.apis_ready]
}

resource "google_monitoring_alert_policy" "outbox_stuck" {
  display_name = "Passerelle - outbox not draining"
  combiner     = "OR"

  conditions {
    display_name = "oldest pending outbox message older than 10 min"

    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.outbox_oldest_pending_age.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 600
      duration        = "120s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_PERCENTILE_99"
        cross_series_reducer = "REDUCE_MAX"
      }

      trigger {
        count = 1
      }
    }
  }

  conditions {
    display_name = "relay_outbox has not run for 15 min"

    condition_absent {
      filter   = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.outbox_oldest_pending_age.name}\""
      duration = "900s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_COUNT"
        cross_series_reducer = "REDUCE_SUM"
      }

      trigger {
        count = 1
      }
    }
  }

  notification_channels = local.notification_channels

  alert_strategy {
    auto_close = "3600s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "Passerelle: outbox not draining"
    content   = "Messages to contractors and platform topics wait in the Firestore outbox. Runbook: ${local.runbook}, \"Outbox not draining\"."
  }
}

# --- ERP subscriptions ----------------------------------------------------------------------
# orders-<c>-erp and replies-<c>-erp are pulled by the contractor's ERP: a backlog or an old
# unacknowledged message means the ERP stopped pulling (or fails on a message and never acks).

resource "google_monitoring_alert_policy" "erp_subscriptions" {
  display_name = "Passerelle - an ERP is not pulling its messages"
  combiner     = "OR"

  conditions {
    display_name = "undelivered messages > ${var.erp_backlog_alert} for 15 min on an *-erp subscription"

    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND metric.type = \"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.label.subscription_id = ends_with(\"-erp\")"
      comparison      = "COMPARISON_GT"
      threshold_value = var.erp_backlog_alert
      duration        = "900s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_MAX"
        cross_series_reducer = "REDUCE_MAX"
        group_by_fields      = ["resource.label.subscription_id"]
      }

      trigger {
        count = 1
      }
    }
  }

  conditions {
    display_name = "oldest unacked message older than ${var.erp_oldest_unacked_alert_seconds} s on an *-erp subscription"

    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND metric.type = \"pubsub.googleapis.com/subscription/oldest_unacked_message_age\" AND resource.label.subscription_id = ends_with(\"-erp\")"
      comparison      = "COMPARISON_GT"
      threshold_value = var.erp_oldest_unacked_alert_seconds
      duration        = "300s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_MAX"
        cross_series_reducer = "REDUCE_MAX"
        group_by_fields      = ["resource.label.subscription_id"]
      }

      trigger {
        count = 1
      }
    }
  }

  notification_channels = local.notification_channels

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "Passerelle: an ERP is not pulling its messages"
    content   = "A contractor's ERP does not drain its pull subscription. Runbook: ${local.runbook}, \"ERP not pulling\"."
  }
}

# --- Dead letters ----------------------------------------------------------------------------
# Every topic that is delivered (contractor topics and platform topics alike) dead-letters into
# "<topic>-dead-letter", read through "<topic>-dead-letter-ops" (pubsub.tf): one condition
# covers them all, one incident per subscription.

resource "google_monitoring_alert_policy" "dead_letters" {
  display_name = "Passerelle - undelivered messages in dead-letter subscriptions"
  combiner     = "OR"

  conditions {
    display_name = "num_undelivered_messages > 0 on a *-dead-letter-ops subscription"

    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND metric.type = \"pubsub.googleapis.com/subscription/num_undelivered_messages\" AND resource.label.subscription_id = ends_with(\"-dead-letter-ops\")"
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "60s"

      aggregations {
        alignment_period     = "60s"
        per_series_aligner   = "ALIGN_MAX"
        cross_series_reducer = "REDUCE_MAX"
        group_by_fields      = ["resource.label.subscription_id"]
      }

      trigger {
        count = 1
      }
    }
  }

  notification_channels = local.notification_channels

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "Passerelle: messages in a dead-letter subscription"
    content   = "A message could not be delivered after all retries and was moved to a dead-letter topic. Runbook: ${local.runbook}, \"Dead letters\"."
  }

  depends_on = [time_sleep.apis_ready]
}

# --- Scheduler jobs ----------------------------------------------------------------------------
# Cloud Scheduler logs every failed attempt (the function answered non-2xx, timed out, or
# refused the OIDC token) at ERROR on the job's resource.

resource "google_monitoring_alert_policy" "scheduler_failures" {
  display_name = "Passerelle - a Cloud Scheduler job failed"
  combiner     = "OR"

  conditions {
    display_name = "failed attempt of a scheduler job"

    condition_matched_log {
      filter = "resource.type=\"cloud_scheduler_job\" AND severity>=ERROR"
      label_extractors = {
        job_id = "EXTRACT(resource.labels.job_id)"
      }
    }
  }

  notification_channels = local.notification_channels

  alert_strategy {
    auto_close = "3600s"

    notification_rate_limit {
      period = "3600s"
    }
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "Passerelle: scheduler job $${log.extracted_label.job_id} failed"
    content   = "A Cloud Scheduler job could not run its function. Runbook: ${local.runbook}, \"Scheduler job failed\"."
  }

  depends_on = [time_sleep.apis_ready]
}

# --- Audit chain broken (B15) -------------------------------------------------------------------
# check_audit_witness (daily) logs one ERROR line "audit chain broken" per space whose chain is broken
# or differs from the heads witnessed in the locked bucket, and seal_audit "audit witness mismatch"
# when a head it witnesses is there already with another hash: both carry audit_check="broken" and
# the space (shared/service/audit_check.py, shared/adapters/audit.py). A broken space is reported again
# at every check until repaired; a failed check is a scheduler failure (above).

resource "google_logging_metric" "audit_chain_broken" {
  name        = "passerelle_audit_chain_broken"
  description = "Audit chains found broken or differing from their witnessed heads (check_audit_witness, seal_audit), by space."
  filter      = "resource.type=\"cloud_run_revision\" AND severity>=ERROR AND jsonPayload.audit_check=\"broken\""

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    display_name = "Passerelle: audit chains broken"

    labels {
      key        = "space"
      value_type = "STRING"
    }
  }

  label_extractors = {
    space = "EXTRACT(jsonPayload.space)"
  }

  depends_on = [time_sleep.apis_ready]
}

resource "google_monitoring_alert_policy" "audit_chain_broken" {
  display_name = "Passerelle - audit chain broken or rewritten"
  combiner     = "OR"

  conditions {
    display_name = "a space's audit chain is broken or differs from its witnessed heads"

    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.audit_chain_broken.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["metric.label.space"]
      }

      trigger {
        count = 1
      }
    }
  }

  notification_channels = local.notification_channels

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "Passerelle: audit chain of $${metric.label.space} broken or rewritten"
    content   = "The audit trail of a space no longer matches its hash chain or the heads witnessed when it was sealed (B15). Runbook: ${local.runbook}, \"Audit chain broken\"."
  }
}

# The check itself must keep running: each run logs one "audit witness check" summary line (with
# its figures). If none comes for 23.5 hours (the longest absence Cloud Monitoring watches), the job
# was deleted, paused or keeps failing before it logs: two runs a day (scheduler.tf) make one missed
# run enough to alert.

resource "google_logging_metric" "audit_witness_checks" {
  name        = "passerelle_audit_witness_checks"
  description = "Runs of check_audit_witness that completed (B15), whatever they found."
  filter      = "resource.type=\"cloud_run_revision\" AND jsonPayload.message=\"audit witness check\""

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    display_name = "Passerelle: audit witness checks run"
  }

  depends_on = [time_sleep.apis_ready]
}

resource "google_monitoring_alert_policy" "audit_check_missing" {
  display_name = "Passerelle - audit witness check not running"
  combiner     = "OR"

  conditions {
    display_name = "no check_audit_witness run for 23.5 h"

    condition_absent {
      filter   = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.audit_witness_checks.name}\""
      duration = "84600s"

      aggregations {
        alignment_period     = "3600s"
        per_series_aligner   = "ALIGN_COUNT"
        cross_series_reducer = "REDUCE_SUM"
      }

      trigger {
        count = 1
      }
    }
  }

  notification_channels = local.notification_channels

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "Passerelle: the audit witness check has not run for a day"
    content   = "check_audit_witness compares every audit chain with its witnessed heads twice a day (B15); no run completed for 23.5 hours. Runbook: ${local.runbook}, \"Audit check not running\"."
  }
}

# --- Severity-1 incident without a first response ----------------------------------------------
# report_incident logs "incident reported" (incident_id, severity) and acknowledge_incident logs
# "incident acknowledged" (incident_id) (shared/service/incidents.py). D8 gives one hour for the
# first response to a severity-1 incident: the platform's operator is paged after 30 minutes,
# and the incident stays open until the acknowledgement is logged.

resource "google_logging_metric" "sev1_incident_reported" {
  name        = "passerelle_sev1_incident_reported"
  description = "Severity-1 incidents reported (report_incident), by incident id."
  # The severity is logged as "severity" (which Cloud Logging may take as the entry's level,
  # README "Runbook") and, once renamed in the code, as "incident_severity": both are accepted.
  filter = "resource.type=\"cloud_run_revision\" AND jsonPayload.message=\"incident reported\" AND (jsonPayload.incident_severity=1 OR jsonPayload.severity=1)"

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    display_name = "Passerelle: severity-1 incidents reported"

    labels {
      key        = "incident_id"
      value_type = "STRING"
    }
  }

  label_extractors = {
    incident_id = "EXTRACT(jsonPayload.incident_id)"
  }

  depends_on = [time_sleep.apis_ready]
}

resource "google_logging_metric" "incident_acknowledged" {
  name        = "passerelle_incident_acknowledged"
  description = "Incidents acknowledged by the operator (acknowledge_incident), by incident id."
  filter      = "resource.type=\"cloud_run_revision\" AND jsonPayload.message=\"incident acknowledged\""

  metric_descriptor {
    metric_kind  = "DELTA"
    value_type   = "INT64"
    display_name = "Passerelle: incidents acknowledged"

    labels {
      key        = "incident_id"
      value_type = "STRING"
    }
  }

  label_extractors = {
    incident_id = "EXTRACT(jsonPayload.incident_id)"
  }

  depends_on = [time_sleep.apis_ready]
}

resource "google_monitoring_alert_policy" "sev1_incident_unacknowledged" {
  display_name = "Passerelle - severity-1 incident unacknowledged after 30 min"
  combiner     = "OR"

  conditions {
    display_name = "severity-1 incident reported 30 min to 6 h ago and not acknowledged since"

    # Reported in the window [now - 6h30, now - 30 min], and no acknowledgement since then.
    condition_prometheus_query_language {
      query               = <<-EOT
        (sum by (incident_id) (increase(logging_googleapis_com:user_${google_logging_metric.sev1_incident_reported.name}[360m] offset 30m)) > 0)
        unless on (incident_id)
        (sum by (incident_id) (increase(logging_googleapis_com:user_${google_logging_metric.incident_acknowledged.name}[390m])) > 0)
      EOT
      duration            = "0s"
      evaluation_interval = "60s"
    }
  }

  notification_channels = local.notification_channels

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "Passerelle: severity-1 incident $${metric.label.incident_id} unacknowledged for 30 min"
    content   = "A severity-1 incident has had no first response for 30 minutes; D8 is missed at 1 hour. Runbook: ${local.runbook}, \"Severity-1 incident unacknowledged\"."
  }
}

# --- Severity-1 or -2 incident reported ----------------------------------------------------------
# B9: severities 1 and 2 are followed 24/7 and answered within the hour. report_incident logs
# "incident reported" with incident_severity (and publishes on incident-alerts, pubsub.tf): the
# operator is notified at once of each new one, one notification per incident.

resource "google_monitoring_alert_policy" "urgent_incident_reported" {
  display_name = "Passerelle - severity-1 or -2 incident reported"
  combiner     = "OR"

  conditions {
    display_name = "a severity-1 or -2 incident was reported"

    condition_matched_log {
      filter = "resource.type=\"cloud_run_revision\" AND jsonPayload.message=\"incident reported\" AND jsonPayload.incident_severity<=2"
      label_extractors = {
        incident_id = "EXTRACT(jsonPayload.incident_id)"
      }
    }
  }

  notification_channels = local.notification_channels

  alert_strategy {
    notification_rate_limit {
      period = "300s"
    }
    auto_close = "3600s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "Passerelle: severity-1/2 incident $${log.extracted_label.incident_id} reported"
    content   = "A severity-1 or -2 incident was reported: first response due within 1 elapsed hour (D8). Runbook: ${local.runbook}, \"Severity-1 or -2 incident reported\"."
  }

  depends_on = [time_sleep.apis_ready]
}

# --- Public functions uptime ------------------------------------------------------------------
# Every public function (ingress ALLOW_ALL, invoker allUsers: ERPs and browsers call it from outside,
# and it checks tokens itself, functions.tf) has its uptime check, derived from local.functions: a new
# public function gets its own without another list to keep. Each is called from outside without a
# token, with the method it serves (`method` in local.functions, POST otherwise; a POST carries the
# JSON body "{}"); the platform's own structured 401 (`UNAUTHENTICATED`) proves the function is
# deployed, reachable and running its code. Every public function authenticates before it reads
# anything (shared/edge/http.py, `serve`), so none answers an anonymous call otherwise
# (tests/functional/test_uptime_checks.py makes each of these calls on the local stack).
# 70 public functions + the web app = 71 uptime checks, within Cloud Monitoring's 100 per project.
# Every 600 s from 3 checkers: 70 x 3 x 4,320 periods + the web app's 3 x 8,640 ~ 0.93 million executions
# a month, within the free million (infra/terraform/README.md, "Uptime checks and their cost").

locals {
  uptime_functions = {
    for name, function in local.functions : name => try(function.method, "POST")
    if function.ingress == "ALLOW_ALL" && function.invoker == "allUsers"
  }
}

resource "google_monitoring_uptime_check_config" "functions" {
  for_each = local.uptime_functions

  display_name     = "Passerelle ${replace(each.key, "_", "-")}"
  timeout          = "10s"
  period           = "600s"
  checker_type     = "STATIC_IP_CHECKERS"
  selected_regions = ["EUROPE", "USA_VIRGINIA", "ASIA_PACIFIC"]

  http_check {
    path                = "/${replace(each.key, "_", "-")}"
    port                = 443
    use_ssl             = true
    validate_ssl        = true
    request_method      = each.value
    content_type        = each.value == "POST" ? "USER_PROVIDED" : null
    custom_content_type = each.value == "POST" ? "application/json" : null
    body                = each.value == "POST" ? base64encode("{}") : null

    accepted_response_status_codes {
      status_value = 401
    }
  }

  content_matchers {
    content = "\"UNAUTHENTICATED\""
    matcher = "CONTAINS_STRING"
  }

  monitored_resource {
    type = "uptime_url"
    labels = {
      project_id = var.project_id
      host       = local.functions_host
    }
  }

  depends_on = [google_cloudfunctions2_function.fn, time_sleep.apis_ready]
}

resource "google_monitoring_alert_policy" "functions_uptime" {
  display_name = "Passerelle - public function unreachable"
  combiner     = "OR"

  conditions {
    display_name = "uptime check of a function failing from more than one region"

    condition_threshold {
      filter          = "resource.type = \"uptime_url\" AND metric.type = \"monitoring.googleapis.com/uptime_check/check_passed\" AND resource.label.host = \"${local.functions_host}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 1
      duration        = "600s"

      aggregations {
        alignment_period     = "1200s"
        per_series_aligner   = "ALIGN_NEXT_OLDER"
        cross_series_reducer = "REDUCE_COUNT_FALSE"
        group_by_fields      = ["metric.label.check_id"]
      }

      trigger {
        count = 1
      }
    }
  }

  notification_channels = local.notification_channels

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "Passerelle: function $${metric.label.check_id} unreachable"
    content   = "A public function no longer answers its unauthenticated call with the platform's 401 from several regions. Runbook: ${local.runbook}, \"Public function unreachable\"."
  }
}

# --- Web app uptime -------------------------------------------------------------------------

resource "google_monitoring_uptime_check_config" "web_app" {
  display_name = "Passerelle web app"
  timeout      = "10s"
  period       = "300s"
  checker_type = "STATIC_IP_CHECKERS"
  # At least three regions are required; only EUROPE is near Paris.
  selected_regions = ["EUROPE", "USA_VIRGINIA", "ASIA_PACIFIC"]

  http_check {
    path           = "/"
    port           = 443
    use_ssl        = true
    validate_ssl   = true
    request_method = "GET"

    accepted_response_status_codes {
      status_class = "STATUS_CLASS_2XX"
    }
  }

  monitored_resource {
    type = "uptime_url"
    labels = {
      project_id = var.project_id
      host       = local.web_host # the Firebase Hosting site (docs/web-app.md)
    }
  }

  depends_on = [time_sleep.apis_ready]
}

resource "google_monitoring_alert_policy" "web_app_uptime" {
  display_name = "Passerelle - web app unreachable"
  combiner     = "OR"

  conditions {
    display_name = "uptime check failing from more than one region"

    condition_threshold {
      filter          = "resource.type = \"uptime_url\" AND metric.type = \"monitoring.googleapis.com/uptime_check/check_passed\" AND metric.label.check_id = \"${google_monitoring_uptime_check_config.web_app.uptime_check_id}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 1
      duration        = "600s"

      aggregations {
        alignment_period     = "1200s"
        per_series_aligner   = "ALIGN_NEXT_OLDER"
        cross_series_reducer = "REDUCE_COUNT_FALSE"
        group_by_fields      = ["resource.label.host"]
      }

      trigger {
        count = 1
      }
    }
  }

  notification_channels = local.notification_channels

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "Passerelle: web app unreachable"
    content   = "GET /web-app/ fails from several regions. Runbook: ${local.runbook}, \"Web app unreachable\"."
  }
}
