# Alert ops when messages pile up in any dead-letter subscription.
# Disabled when var.alert_email is empty.

resource "google_monitoring_notification_channel" "ops_email" {
  count = var.alert_email == "" ? 0 : 1

  display_name = "Passerelle ops e-mail"
  type         = "email"
  labels = {
    email_address = var.alert_email
  }

  depends_on = [google_project_service.enabled]
}

resource "google_monitoring_alert_policy" "dead_letters" {
  count = var.alert_email == "" ? 0 : 1

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
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_MAX"
      }

      trigger {
        count = 1
      }
    }
  }

  notification_channels = [google_monitoring_notification_channel.ops_email[0].id]

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A message could not be delivered after all retries and was moved to a dead-letter topic. Inspect it with `gcloud pubsub subscriptions pull <topic>-dead-letter-ops --limit=10` (without `--auto-ack`), fix the cause, then republish it to the source topic and acknowledge it."
  }
}
