# Pub/Sub: what the platform shares. A contractor's own topics and subscriptions are NOT here any
# more: register_contractor creates them at run time, when the operator registers the contractor
# (A10 onboarding; shared/topology.py is the plan, shared/adapters/pubsub_topology.py applies it),
# so a new contractor needs no apply and removing one from a list destroys nothing
# (docs/topology.md). Their names are a contract with the Python code: do not rename them.
#
#   orders-<c>     platform -> contractor   pulled through orders-<c>-erp       (run time)
#   execution-<c>  contractor -> platform   pushed through execution-<c>-push   (run time)
#   replies-<c>    platform -> contractor   pulled through replies-<c>-erp      (run time)
#
#   contractors-dead-letter       where every contractor subscription dead-letters (here)
#   contractors-dead-letter-ops   drained by ops; each message names its source subscription (here)

# --- The contractors' shared dead letters ---------------------------------------------------

resource "google_pubsub_topic" "contractor_dead_letter" {
  name = "contractors-dead-letter"

  # B15 encryption (kms.tf): null, Google-managed, when CMEK is off.
  kms_key_name = local.cmek_key.pubsub

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [time_sleep.apis_ready, google_kms_crypto_key_iam_member.service_agents]
}

resource "google_pubsub_subscription" "contractor_dead_letter_ops" {
  name  = "contractors-dead-letter-ops"
  topic = google_pubsub_topic.contractor_dead_letter.id

  ack_deadline_seconds       = 60
  message_retention_duration = local.seven_days
  retain_acked_messages      = false

  expiration_policy {
    ttl = ""
  }
}

# The Pub/Sub service agent forwards undeliverable messages to dead-letter topics: it must be
# a publisher on every dead-letter topic (without it, poison messages are redelivered forever
# and never reach the -ops subscriptions). On each contractor subscription it must also be a
# subscriber: register_contractor sets that in the subscription's policy (shared/topology.py).
locals {
  dead_letter_topics = merge(
    { (google_pubsub_topic.contractor_dead_letter.name) = google_pubsub_topic.contractor_dead_letter.name },
    { for t, topic in google_pubsub_topic.platform_dead_letter : t => topic.name },
  )
}

resource "google_pubsub_topic_iam_member" "agent_publishes_dead_letters" {
  for_each = local.dead_letter_topics

  topic  = each.value
  role   = "roles/pubsub.publisher"
  member = local.pubsub_service_agent
}

# What register_contractor and deactivate_party may do on Pub/Sub (identity fn-onboarding, iam.tf):
# create and re-configure topics and subscriptions and set their IAM policies — never delete
# them, publish, nor pull. A project-level custom role: Pub/Sub has no per-name prefix scope.
resource "google_project_iam_custom_role" "topology_provisioner" {
  role_id     = "passerelleTopologyProvisioner"
  title       = "Passerelle contractor topology provisioner"
  description = "Creates and updates contractors' Pub/Sub topics and subscriptions and their IAM policies (register_contractor, deactivate_party)."
  permissions = [
    "pubsub.topics.attachSubscription",
    "pubsub.topics.create",
    "pubsub.topics.get",
    "pubsub.topics.getIamPolicy",
    "pubsub.topics.setIamPolicy",
    "pubsub.subscriptions.create",
    "pubsub.subscriptions.get",
    "pubsub.subscriptions.getIamPolicy",
    "pubsub.subscriptions.setIamPolicy",
    "pubsub.subscriptions.update",
  ]

  depends_on = [time_sleep.apis_ready]
}

# --- Migration from the per-contractor resources of earlier versions ------------------------
# Earlier versions created each contractor's topics, subscriptions, dead letters and grants here,
# for_each over var.contractors. Terraform now forgets them WITHOUT destroying them (Terraform >=
# 1.7), and the first registration of each contractor through register_contractor adopts them:
# its subscriptions are updated in place to dead-letter into contractors-dead-letter, and their
# IAM policies set (name the contractor's erp-<c> account as erp_service_account to keep its
# access). The old per-topic dead-letter topics and their -ops subscriptions are deleted by hand
# once drained (docs/topology.md, "Migration").

removed {
  from = google_pubsub_topic.orders
  lifecycle {
    destroy = false
  }
}

removed {
  from = google_pubsub_topic.execution
  lifecycle {
    destroy = false
  }
}

removed {
  from = google_pubsub_topic.replies
  lifecycle {
    destroy = false
  }
}

removed {
  from = google_pubsub_topic.dead_letter
  lifecycle {
    destroy = false
  }
}

removed {
  from = google_pubsub_subscription.dead_letter_ops
  lifecycle {
    destroy = false
  }
}

removed {
  from = google_pubsub_subscription.execution_push
  lifecycle {
    destroy = false
  }
}

removed {
  from = google_pubsub_subscription.orders_erp
  lifecycle {
    destroy = false
  }
}

removed {
  from = google_pubsub_subscription.replies_erp
  lifecycle {
    destroy = false
  }
}

removed {
  from = google_pubsub_topic_iam_member.erp_execution_publisher
  lifecycle {
    destroy = false
  }
}

removed {
  from = google_pubsub_subscription_iam_member.erp
  lifecycle {
    destroy = false
  }
}

# The service agent's grants were one resource for contractor and platform topics alike: forgotten
# (the contractor ones stay until each policy is rewritten), the platform ones taken over by
# agent_publishes_dead_letters and agent_acknowledges_dead_letters (adding a member that is
# already bound changes nothing).
removed {
  from = google_pubsub_topic_iam_member.dead_letter_agent_publisher
  lifecycle {
    destroy = false
  }
}

removed {
  from = google_pubsub_subscription_iam_member.dead_letter_agent_subscriber
  lifecycle {
    destroy = false
  }
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
  for_each = local.platform_push_topics
  name     = each.key

  # B15 encryption (kms.tf): null, Google-managed, when CMEK is off.
  kms_key_name = local.cmek_key.pubsub

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [time_sleep.apis_ready, google_kms_crypto_key_iam_member.service_agents]
}

resource "google_pubsub_topic" "platform_dead_letter" {
  for_each = local.platform_push_topics
  name     = "${each.key}-dead-letter"

  # B15 encryption (kms.tf): null, Google-managed, when CMEK is off.
  kms_key_name = local.cmek_key.pubsub

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [time_sleep.apis_ready, google_kms_crypto_key_iam_member.service_agents]
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

  depends_on = [google_pubsub_topic_iam_member.agent_publishes_dead_letters]
}

# The Pub/Sub service agent must be able to acknowledge, on the source subscription, the messages
# it forwards to the dead-letter topic.
resource "google_pubsub_subscription_iam_member" "agent_acknowledges_dead_letters" {
  for_each = google_pubsub_subscription.platform_push

  subscription = each.value.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
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
  name = "incident-alerts"

  # B15 encryption (kms.tf): null, Google-managed, when CMEK is off.
  kms_key_name = local.cmek_key.pubsub

  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [time_sleep.apis_ready, google_kms_crypto_key_iam_member.service_agents]
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
