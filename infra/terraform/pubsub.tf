# Contractor-scoped Pub/Sub topology. Topic and subscription names are a
# contract with the Python code: do not rename them.
#
#   orders-<c>     platform -> contractor   pulled through orders-<c>-erp
#   execution-<c>  contractor -> platform   pushed through execution-<c>-push
#   replies-<c>    platform -> contractor   pulled through replies-<c>-erp
#
# Every topic above has a "<topic>-dead-letter" topic, drained by ops through
# the "<topic>-dead-letter-ops" pull subscription.

# --- Topics -------------------------------------------------------------------

resource "google_pubsub_topic" "orders" {
  #checkov:skip=CKV_GCP_83:Google-managed encryption at rest; messages live 7 days at most in europe-west9. A customer-managed KMS key (SecNumCloud-style requirement) is not asked for, and its loss would destroy in-flight messages.
  for_each = local.contractors

  name = "orders-${each.key}"

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [time_sleep.apis_ready]
}

resource "google_pubsub_topic" "execution" {
  #checkov:skip=CKV_GCP_83:Google-managed encryption at rest; messages live 7 days at most in europe-west9. A customer-managed KMS key (SecNumCloud-style requirement) is not asked for, and its loss would destroy in-flight messages.
  for_each = local.contractors

  name = "execution-${each.key}"

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [time_sleep.apis_ready]
}

resource "google_pubsub_topic" "replies" {
  #checkov:skip=CKV_GCP_83:Google-managed encryption at rest; messages live 7 days at most in europe-west9. A customer-managed KMS key (SecNumCloud-style requirement) is not asked for, and its loss would destroy in-flight messages.
  for_each = local.contractors

  name = "replies-${each.key}"

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [time_sleep.apis_ready]
}

# --- Dead letters -------------------------------------------------------------

resource "google_pubsub_topic" "dead_letter" {
  #checkov:skip=CKV_GCP_83:Google-managed encryption at rest; messages live 7 days at most in europe-west9. A customer-managed KMS key (SecNumCloud-style requirement) is not asked for, and its loss would destroy in-flight messages.
  for_each = local.source_topic_names

  name = "${each.key}-dead-letter"

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [time_sleep.apis_ready]
}

resource "google_pubsub_subscription" "dead_letter_ops" {
  for_each = local.source_topic_names

  name  = "${each.key}-dead-letter-ops"
  topic = google_pubsub_topic.dead_letter[each.key].id

  ack_deadline_seconds       = 60
  message_retention_duration = local.seven_days
  retain_acked_messages      = false

  expiration_policy {
    ttl = ""
  }
}

# The Pub/Sub service agent forwards undeliverable messages to dead-letter topics: it must be
# a publisher on every dead-letter topic, contractor and platform ones alike (without it,
# poison messages are redelivered forever and never reach <topic>-dead-letter-ops).
locals {
  dead_letter_topics = merge(
    { for t, topic in google_pubsub_topic.dead_letter : t => topic.name },
    { for t, topic in google_pubsub_topic.platform_dead_letter : t => topic.name },
  )
}

resource "google_pubsub_topic_iam_member" "dead_letter_agent_publisher" {
  for_each = local.dead_letter_topics

  topic  = each.value
  role   = "roles/pubsub.publisher"
  member = local.pubsub_service_agent
}

# --- Subscriptions --------------------------------------------------------------

# contractor -> platform: pushed to publish_execution. The path lets
# functions-framework derive the topic, hence the contractor.
resource "google_pubsub_subscription" "execution_push" {
  for_each = local.contractors

  name  = "execution-${each.key}-push"
  topic = google_pubsub_topic.execution[each.key].id

  ack_deadline_seconds       = 60
  enable_message_ordering    = true
  message_retention_duration = local.seven_days

  push_config {
    push_endpoint = "${google_cloudfunctions2_function.fn["publish_execution"].service_config[0].uri}/projects/${var.project_id}/topics/execution-${each.key}"

    oidc_token {
      service_account_email = google_service_account.pubsub_push.email
      audience              = google_cloudfunctions2_function.fn["publish_execution"].service_config[0].uri
    }
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter["execution-${each.key}"].id
    max_delivery_attempts = 5
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [
    google_cloud_run_service_iam_member.invoker,
    google_service_account_iam_member.pubsub_agent_token_creator,
    google_pubsub_topic_iam_member.dead_letter_agent_publisher,
  ]
}

# platform -> contractor: pulled by the contractor's ERP.
resource "google_pubsub_subscription" "orders_erp" {
  for_each = local.contractors

  name  = "orders-${each.key}-erp"
  topic = google_pubsub_topic.orders[each.key].id

  ack_deadline_seconds       = 60
  enable_message_ordering    = true
  message_retention_duration = local.seven_days

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter["orders-${each.key}"].id
    max_delivery_attempts = 10
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [google_pubsub_topic_iam_member.dead_letter_agent_publisher]
}

# platform -> contractor: pulled by the contractor's ERP.
resource "google_pubsub_subscription" "replies_erp" {
  for_each = local.contractors

  name  = "replies-${each.key}-erp"
  topic = google_pubsub_topic.replies[each.key].id

  ack_deadline_seconds       = 60
  enable_message_ordering    = true
  message_retention_duration = local.seven_days

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter["replies-${each.key}"].id
    max_delivery_attempts = 10
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [google_pubsub_topic_iam_member.dead_letter_agent_publisher]
}

locals {
  # Every subscription with a dead_letter_policy, keyed by subscription name.
  dead_lettering_subscriptions = merge(
    { for c, s in google_pubsub_subscription.execution_push : "execution-${c}-push" => s.name },
    { for c, s in google_pubsub_subscription.orders_erp : "orders-${c}-erp" => s.name },
    { for c, s in google_pubsub_subscription.replies_erp : "replies-${c}-erp" => s.name },
    { for t, s in google_pubsub_subscription.platform_push : "${t}-push" => s.name },
  )
}

# The Pub/Sub service agent must be able to acknowledge, on the source subscription, the
# messages it forwards to the dead-letter topic.
resource "google_pubsub_subscription_iam_member" "dead_letter_agent_subscriber" {
  for_each = local.dead_lettering_subscriptions

  subscription = each.value
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}

# --- Contractor ERP permissions ------------------------------------------------

resource "google_pubsub_topic_iam_member" "erp_execution_publisher" {
  for_each = local.contractors

  topic  = google_pubsub_topic.execution[each.key].name
  role   = "roles/pubsub.publisher"
  member = google_service_account.erp[each.key].member
}

locals {
  # (contractor, subscription, role) grants of each ERP on its own pull subscriptions.
  erp_subscription_grants = merge([
    for c in var.contractors : {
      for pair in setproduct(["orders-${c}-erp", "replies-${c}-erp"], ["roles/pubsub.subscriber", "roles/pubsub.viewer"]) :
      "${pair[0]}/${pair[1]}" => { contractor = c, subscription = pair[0], role = pair[1] }
    }
  ]...)
}

resource "google_pubsub_subscription_iam_member" "erp" {
  for_each = local.erp_subscription_grants

  subscription = each.value.subscription
  role         = each.value.role
  member       = google_service_account.erp[each.value.contractor].member

  depends_on = [
    google_pubsub_subscription.orders_erp,
    google_pubsub_subscription.replies_erp,
  ]
}

# --- Platform topics pushed into one function each ------------------------------------
# needs-submitted -> score_candidates (part B), exports-requested -> run_export (A8).

locals {
  platform_push_topics = {
    "needs-submitted"   = { function = "score_candidates", ack_deadline_seconds = 300 }
    "exports-requested" = { function = "run_export", ack_deadline_seconds = 600 }
  }
}

resource "google_pubsub_topic" "platform" {
  #checkov:skip=CKV_GCP_83:Google-managed encryption at rest; messages live 7 days at most in europe-west9. A customer-managed KMS key (SecNumCloud-style requirement) is not asked for, and its loss would destroy in-flight messages.
  for_each = local.platform_push_topics
  name     = each.key

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [time_sleep.apis_ready]
}

resource "google_pubsub_topic" "platform_dead_letter" {
  #checkov:skip=CKV_GCP_83:Google-managed encryption at rest; messages live 7 days at most in europe-west9. A customer-managed KMS key (SecNumCloud-style requirement) is not asked for, and its loss would destroy in-flight messages.
  for_each = local.platform_push_topics
  name     = "${each.key}-dead-letter"

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [time_sleep.apis_ready]
}

resource "google_pubsub_subscription" "platform_push" {
  for_each = local.platform_push_topics
  name     = "${each.key}-push"
  topic    = google_pubsub_topic.platform[each.key].id

  ack_deadline_seconds       = each.value.ack_deadline_seconds
  message_retention_duration = local.seven_days

  push_config {
    push_endpoint = "${google_cloudfunctions2_function.fn[each.value.function].service_config[0].uri}/projects/${var.project_id}/topics/${each.key}"

    oidc_token {
      service_account_email = google_service_account.pubsub_push.email
      audience              = google_cloudfunctions2_function.fn[each.value.function].service_config[0].uri
    }
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.platform_dead_letter[each.key].id
    max_delivery_attempts = 5
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [google_pubsub_topic_iam_member.dead_letter_agent_publisher]
}

resource "google_pubsub_subscription" "platform_dead_letter_ops" {
  for_each = local.platform_push_topics
  name     = "${each.key}-dead-letter-ops"
  topic    = google_pubsub_topic.platform_dead_letter[each.key].id

  ack_deadline_seconds       = 60
  message_retention_duration = local.seven_days
  retain_acked_messages      = false

  expiration_policy {
    ttl = ""
  }
}

# --- Incident alerts (B9) ------------------------------------------------------------------
# report_incident publishes fr.passerelle.incident.alert.v1 on incident-alerts, through the outbox
# in the report's commit, for every new severity-1 or -2 incident (shared/service/incidents.py).
# The operator's on-call tooling pulls incident-alerts-ops; monitoring.tf also alerts on the log
# line of the same report (urgent_incident_reported), so nobody depends on one path alone.

resource "google_pubsub_topic" "incident_alerts" {
  #checkov:skip=CKV_GCP_83:Google-managed encryption at rest; messages live 7 days at most in europe-west9. A customer-managed KMS key (SecNumCloud-style requirement) is not asked for, and its loss would destroy in-flight messages.
  name = "incident-alerts"

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [time_sleep.apis_ready]
}

resource "google_pubsub_subscription" "incident_alerts_ops" {
  name  = "incident-alerts-ops"
  topic = google_pubsub_topic.incident_alerts.id

  ack_deadline_seconds       = 60
  message_retention_duration = local.seven_days
  retain_acked_messages      = false

  expiration_policy {
    ttl = ""
  }
}
