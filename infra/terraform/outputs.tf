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
  value       = "python -m devtools.hosting --out build/hosting --functions-base-url ${local.functions_base_url} --api-key ${google_apikeys_key.web.key_string}${var.support_email == "" ? "" : " --support-email ${var.support_email}"}"
  sensitive   = true
}

output "contractor_pubsub" {
  description = "Pub/Sub names of each contractor of var.contractors (created by register_contractor, not by Terraform) and its hosted ERP service account, to hand over with the connector guide."
  value = {
    for c in var.contractors : c => {
      orders_topic         = "orders-${c}"
      execution_topic      = "execution-${c}"
      replies_topic        = "replies-${c}"
      orders_subscription  = "orders-${c}-erp"
      replies_subscription = "replies-${c}-erp"
      execution_push       = "execution-${c}-push"
      erp_service_account  = google_service_account.erp[c].email
      dead_letter_topic    = google_pubsub_topic.contractor_dead_letter.name
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
