# Service accounts and their permissions.

# --- Function runtime ---------------------------------------------------------

resource "google_service_account" "fn_runtime" {
  account_id   = "fn-runtime"
  display_name = "Passerelle functions runtime"
  description  = "Identity of every Passerelle Cloud Function at run time."

  depends_on = [google_project_service.enabled]
}

resource "google_project_iam_member" "fn_runtime" {
  for_each = toset([
    "roles/datastore.user",
    "roles/pubsub.publisher",
    "roles/cloudtasks.enqueuer",
    "roles/logging.logWriter",
  ])

  project = var.project_id
  role    = each.key
  member  = google_service_account.fn_runtime.member
}

resource "google_storage_bucket_iam_member" "fn_runtime_documents" {
  bucket = google_storage_bucket.documents.name
  role   = "roles/storage.objectAdmin"
  member = google_service_account.fn_runtime.member
}

# Cloud Tasks requires the enqueuer to "act as" the service account whose OIDC
# token is attached to the task (the runtime account itself).
resource "google_service_account_iam_member" "fn_runtime_act_as_itself" {
  service_account_id = google_service_account.fn_runtime.name
  role               = "roles/iam.serviceAccountUser"
  member             = google_service_account.fn_runtime.member
}

# --- Function build -----------------------------------------------------------

# Dedicated Cloud Build identity: recent projects no longer grant the default
# compute service account the permissions needed to build functions.
resource "google_service_account" "fn_build" {
  account_id   = "fn-build"
  display_name = "Passerelle functions build"
  description  = "Cloud Build identity used to build the Passerelle functions."

  depends_on = [google_project_service.enabled]
}

# Roles documented by Google for a user-specified function build account:
# build logs, built images, and the function source staged in the project's
# gcf-v2-sources-* bucket.
resource "google_project_iam_member" "fn_build" {
  for_each = toset([
    "roles/logging.logWriter",
    "roles/artifactregistry.writer",
    "roles/storage.objectAdmin",
  ])

  project = var.project_id
  role    = each.key
  member  = google_service_account.fn_build.member
}

# --- Invokers of internal functions -------------------------------------------

resource "google_service_account" "pubsub_push" {
  account_id   = "pubsub-push"
  display_name = "Passerelle Pub/Sub push"
  description  = "OIDC identity of the execution-<contractor>-push subscriptions (invokes publish_execution)."

  depends_on = [google_project_service.enabled]
}

# The Pub/Sub service agent mints the OIDC tokens of push subscriptions.
resource "google_service_account_iam_member" "pubsub_agent_token_creator" {
  service_account_id = google_service_account.pubsub_push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent

  depends_on = [google_project_service.enabled]
}

resource "google_service_account" "scheduler_invoker" {
  account_id   = "scheduler-invoker"
  display_name = "Passerelle scheduler invoker"
  description  = "OIDC identity of the relay-outbox Cloud Scheduler job (invokes relay_outbox)."

  depends_on = [google_project_service.enabled]
}

# --- Contractor ERPs ----------------------------------------------------------

# One identity per contractor ERP. Keys / workload identity federation are
# provisioned out of band (never stored in the Terraform state).
resource "google_service_account" "erp" {
  for_each = local.contractors

  account_id   = local.erp_account_ids[each.key]
  display_name = "ERP ${each.key}"
  description  = "Contractor ${each.key}: publishes on execution-${each.key}, pulls orders-${each.key}-erp and replies-${each.key}-erp."

  depends_on = [google_project_service.enabled]
}
