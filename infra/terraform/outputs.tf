output "function_uris" {
  description = "HTTPS URI of every function, keyed by entry point."
  value       = { for name, fn in google_cloudfunctions2_function.fn : name => fn.service_config[0].uri }
}

output "web_app_url" {
  description = "Where people without a connector sign in: the Firebase Hosting site, deployed with devtools/hosting.py and firebase deploy (docs/web-app.md)."
  value       = "https://${var.project_id}.web.app/"
}

output "web_app_build_command" {
  description = "Builds the web application's Hosting site for this deployment; then: firebase deploy --only hosting --project <project> --config build/hosting/firebase.json."
  value       = "python -m devtools.hosting --out build/hosting --functions-base-url https://${var.region}-${var.project_id}.cloudfunctions.net --api-key ${var.firebase_web_api_key}"
}

output "contractor_pubsub" {
  description = "Pub/Sub names and ERP service account of each contractor."
  value = {
    for c in var.contractors : c => {
      orders_topic              = google_pubsub_topic.orders[c].name
      execution_topic           = google_pubsub_topic.execution[c].name
      replies_topic             = google_pubsub_topic.replies[c].name
      orders_subscription       = google_pubsub_subscription.orders_erp[c].name
      replies_subscription      = google_pubsub_subscription.replies_erp[c].name
      execution_push            = google_pubsub_subscription.execution_push[c].name
      erp_service_account       = google_service_account.erp[c].email
      dead_letter_topics        = [for t in ["orders-${c}", "execution-${c}", "replies-${c}"] : google_pubsub_topic.dead_letter[t].name]
      dead_letter_subscriptions = [for t in ["orders-${c}", "execution-${c}", "replies-${c}"] : google_pubsub_subscription.dead_letter_ops[t].name]
    }
  }
}

output "documents_bucket" {
  description = "Name of the bucket holding PDF reports (PASSERELLE_DOCUMENTS_BUCKET)."
  value       = google_storage_bucket.documents.name
}

output "tasks_queue_id" {
  description = "Full id of the deadlines Cloud Tasks queue."
  value       = google_cloud_tasks_queue.deadlines.id
}

output "runtime_service_account" {
  description = "E-mail of the functions' runtime service account (OIDC identity of Cloud Tasks)."
  value       = google_service_account.fn_runtime.email
}

output "managers" {
  description = "Managers declared for this deployment (informational)."
  value       = var.managers
}
