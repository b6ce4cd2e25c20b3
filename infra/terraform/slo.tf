# --- B8 availability: at least 99.93 % per month ----------------------------------------------
# The platform's commitment as a service-level objective, so that the month's availability is a
# figure Cloud Monitoring keeps (the SLO's compliance per calendar month is the availability
# report: console, Monitoring > Services > Passerelle, or the API's services.serviceLevelObjectives),
# and the error budget is watched while it burns rather than found spent at the end of the month.
#
# Request-based: every request the platform's functions answered (Cloud Run request_count; the
# project is the platform's own, so its Cloud Run services are the functions), bad when the answer is a
# server error (5xx) or Cloud Run's 429 (no instance could take the request: max_instances reached).
# Bad input is answered 4xx by design and counts as served. The budget of 99.93 % is 0.07 % of the
# month's requests: about 30 minutes of a full outage in a 30-day month.

locals {
  served_requests = join(" AND ", [
    "metric.type=\"run.googleapis.com/request_count\"",
    "resource.type=\"cloud_run_revision\"",
  ])
  failed_requests = join(" AND ", [
    local.served_requests,
    "(metric.labels.response_code_class=\"5xx\" OR metric.labels.response_code=\"429\")",
  ])
}

resource "google_monitoring_custom_service" "passerelle" {
  service_id   = "passerelle"
  display_name = "Passerelle"

  depends_on = [time_sleep.apis_ready]
}

resource "google_monitoring_slo" "availability" {
  service      = google_monitoring_custom_service.passerelle.service_id
  slo_id       = "availability-monthly"
  display_name = "B8 - requests served without a server error, per calendar month"

  goal            = var.availability_goal
  calendar_period = "MONTH"

  request_based_sli {
    good_total_ratio {
      bad_service_filter   = local.failed_requests
      total_service_filter = local.served_requests
    }
  }
}

# Burn-rate alerts (the SRE workbook's multiwindow pair): fast, 2 % of the month's budget in one hour
# (burn rate 14.4), pages at once; slow, 5 % in six hours (burn rate 6), before the month is lost.
resource "google_monitoring_alert_policy" "availability_budget" {
  display_name = "Passerelle - availability error budget burning"
  combiner     = "OR"

  conditions {
    display_name = "fast burn: 2 % of the monthly budget in 1 h (burn rate > 14.4)"

    condition_threshold {
      filter          = "select_slo_burn_rate(\"${google_monitoring_slo.availability.name}\", \"3600s\")"
      comparison      = "COMPARISON_GT"
      threshold_value = 14.4
      duration        = "0s"
    }
  }

  conditions {
    display_name = "slow burn: 5 % of the monthly budget in 6 h (burn rate > 6)"

    condition_threshold {
      filter          = "select_slo_burn_rate(\"${google_monitoring_slo.availability.name}\", \"21600s\")"
      comparison      = "COMPARISON_GT"
      threshold_value = 6
      duration        = "0s"
    }
  }

  notification_channels = local.notification_channels

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    subject   = "Passerelle: the month's availability budget (${var.availability_goal}) is burning"
    content   = "Server errors or refused requests are spending the month's error budget fast enough to miss B8's availability. Runbook: ${local.runbook}, \"Availability budget burning\"."
  }
}
