output "function_uris" {
  description = "HTTPS URI of every function, keyed by entry point."
  value       = { for name, fn in google_cloudfunctions2_function.fn : name => fn.service_config[0].uri }
}

output "web_app_url" {
  description = "Where people without a connector sign in: the Firebase Hosting site, deployed with devtools/hosting.py and firebase deploy (docs/web-app.md)."
  value       = "https://${local.web_host}/"
}

output "web_app_build_command" {
  description = "Builds the web application's Hosting site for this deployment (the browser key of identity.tf inside); then: firebase deploy --only hosting --project <project> --config build/hosting/firebase.json."
  value       = "python -m devtools.hosting --out build/hosting --functions-base-url ${local.functions_base_url} --api-key ${google_apikeys_key.web.key_string}"
  sensitive   = true
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

output "runtime_service_accounts" {
  description = "E-mail of each function's runtime service account, keyed by entry point (README, Runtime identities)."
  value       = { for name, fn in local.functions : name => google_service_account.runtime[fn.identity].email }
}

output "tasks_invoker_service_account" {
  description = "OIDC identity of the deadline timers (Cloud Tasks) and of the deadline sweep."
  value       = google_service_account.tasks_invoker.email
}

output "erp_workload_identity_providers" {
  description = "Full name of each contractor ERP's workload identity provider (gcloud iam workload-identity-pools create-cred-config)."
  value       = { for c, p in google_iam_workload_identity_pool_provider.erp : c => p.name }
}

output "log_bucket" {
  description = "The log bucket in var.region that keeps the platform's logs."
  value       = google_logging_project_bucket_config.passerelle.id
}

output "managers" {
  description = "Managers declared for this deployment (informational)."
  value       = var.managers
}
