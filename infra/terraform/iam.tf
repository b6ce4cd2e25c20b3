# Service accounts and their permissions.

# --- Function runtime identities ----------------------------------------------------------
# One service account per set of needs, derived from what the Python code of each function
# calls (README, "Runtime identities": the table there is checked against this map by
# tests/unit/test_terraform_iam.py). Each function names its identity in local.functions.
#
# A grant is "<scope>:<role>", the scope saying where the role is bound:
#   project          the project (Firestore, Pub/Sub publish, Firebase Auth admin)
#   documents-bucket the private documents bucket (PDFs, exports, search index, reports)
#   deadlines-queue  the Cloud Tasks queue of the deadline timers
#   tasks-invoker    the tasks-invoker service account (deadlines.tf): the timers carry its
#                    OIDC token, so whoever enqueues them must act as it
#   self             the identity itself: iam.serviceAccounts.signBlob for V4 signed URLs
#                    (Cloud Run holds no private key; IAM Credentials signs)
#   pubsub-push      the pubsub-push service account: a push subscription created at run time
#                    carries its OIDC token, so whoever creates one must act as it
#   witness-bucket   the audit witness bucket (storage.tf): create and read, never delete
# A role written "custom/<id>" is this project's custom role <id> (pubsub.tf).
# Logs written on stdout need no role on Cloud Run, hence no logging.logWriter.

locals {
  runtime_identities = {
    "fn-data" = {
      description = "Reads Firestore only (a read-only unit of work): the GET functions."
      grants      = ["project:roles/datastore.user"]
    }
    "fn-audit" = {
      description = "seal_audit, check_audit_witness: the audit chains in Firestore, and their heads in the witness bucket (create and read; no delete, so no overwrite)."
      grants = [
        "project:roles/datastore.user",
        "witness-bucket:roles/storage.objectCreator",
        "witness-bucket:roles/storage.objectViewer",
      ]
    }
    "fn-data-publish-timers" = {
      description = "Firestore, publishes its outbox and arms deadline timers."
      grants = [
        "project:roles/datastore.user",
        "project:roles/pubsub.publisher",
        "deadlines-queue:roles/cloudtasks.enqueuer",
        "tasks-invoker:roles/iam.serviceAccountUser",
      ]
    }
    "fn-accounts" = {
      description = "manage_account, change_password: create Firebase Auth users, set their claims and passwords; D7 timers."
      grants = [
        "project:roles/datastore.user",
        "project:roles/pubsub.publisher",
        "project:roles/firebaseauth.admin",
        "deadlines-queue:roles/cloudtasks.enqueuer",
        "tasks-invoker:roles/iam.serviceAccountUser",
      ]
    }
    "fn-onboarding" = {
      description = "register_contractor, deactivate_party: the registry in Firestore, and a contractor's Pub/Sub topics, subscriptions and their IAM policies (custom role, no delete); acts as pubsub-push for the push subscription's OIDC token."
      grants = [
        "project:roles/datastore.user",
        "project:roles/pubsub.publisher",
        "deadlines-queue:roles/cloudtasks.enqueuer",
        "tasks-invoker:roles/iam.serviceAccountUser",
        "project:custom/passerelleTopologyProvisioner",
        "pubsub-push:roles/iam.serviceAccountUser",
      ]
    }
    "fn-executions" = {
      description = "Firestore, Pub/Sub publish, deadline timers and the documents bucket: the functions whose unit of work publishes and arms timers and that read or write files (contractor messages, PDFs, exports, the search index, stored reports)."
      grants = [
        "project:roles/datastore.user",
        "project:roles/pubsub.publisher",
        "deadlines-queue:roles/cloudtasks.enqueuer",
        "tasks-invoker:roles/iam.serviceAccountUser",
        "documents-bucket:roles/storage.objectUser",
      ]
    }
    "fn-upload-urls" = {
      description = "request_report_upload: signs V4 PUT URLs of new objects; its unit of work may publish and arm timers."
      grants = [
        "project:roles/datastore.user",
        "project:roles/pubsub.publisher",
        "deadlines-queue:roles/cloudtasks.enqueuer",
        "tasks-invoker:roles/iam.serviceAccountUser",
        "documents-bucket:roles/storage.objectCreator",
        "self:roles/iam.serviceAccountTokenCreator",
      ]
    }
    "fn-download-urls" = {
      description = "Signs V4 GET URLs of stored documents and reports."
      grants = [
        "project:roles/datastore.user",
        "documents-bucket:roles/storage.objectViewer",
        "self:roles/iam.serviceAccountTokenCreator",
      ]
    }
    "fn-export-request" = {
      description = "export_space: requests an export (publishes exports-requested), signs the archive's GET URL."
      grants = [
        "project:roles/datastore.user",
        "project:roles/pubsub.publisher",
        "deadlines-queue:roles/cloudtasks.enqueuer",
        "tasks-invoker:roles/iam.serviceAccountUser",
        "documents-bucket:roles/storage.objectViewer",
        "self:roles/iam.serviceAccountTokenCreator",
      ]
    }
  }

  runtime_grant_scopes = ["project", "documents-bucket", "deadlines-queue", "tasks-invoker", "self", "pubsub-push", "witness-bucket"]

  # "<identity>/<scope>:<role>" => {identity, scope, role}
  runtime_grants = merge([
    for identity, spec in local.runtime_identities : {
      for grant in spec.grants : "${identity}/${grant}" => {
        identity = identity
        scope    = split(":", grant)[0]
        role     = split(":", grant)[1]
      }
    }
  ]...)
}

resource "google_service_account" "runtime" {
  for_each = local.runtime_identities

  account_id   = each.key
  display_name = "Passerelle functions: ${each.key}"
  description  = each.value.description

  depends_on = [time_sleep.apis_ready]

  lifecycle {
    precondition {
      condition     = alltrue([for g in each.value.grants : contains(local.runtime_grant_scopes, split(":", g)[0])])
      error_message = "Each grant of ${each.key} must be <scope>:<role>, scope one of ${join(", ", local.runtime_grant_scopes)}."
    }
  }
}

resource "google_project_iam_member" "runtime" {
  for_each = { for key, g in local.runtime_grants : key => g if g.scope == "project" }

  project = var.project_id
  role    = startswith(each.value.role, "custom/") ? "projects/${var.project_id}/roles/${trimprefix(each.value.role, "custom/")}" : each.value.role
  member  = google_service_account.runtime[each.value.identity].member

  depends_on = [google_project_iam_custom_role.topology_provisioner]
}

resource "google_storage_bucket_iam_member" "runtime_documents" {
  for_each = { for key, g in local.runtime_grants : key => g if g.scope == "documents-bucket" }

  bucket = google_storage_bucket.documents.name
  role   = each.value.role
  member = google_service_account.runtime[each.value.identity].member
}

resource "google_storage_bucket_iam_member" "runtime_witness" {
  for_each = { for key, g in local.runtime_grants : key => g if g.scope == "witness-bucket" }

  bucket = google_storage_bucket.audit_witness.name
  role   = each.value.role
  member = google_service_account.runtime[each.value.identity].member
}

resource "google_cloud_tasks_queue_iam_member" "runtime_deadlines" {
  for_each = { for key, g in local.runtime_grants : key => g if g.scope == "deadlines-queue" }

  name     = google_cloud_tasks_queue.deadlines.name
  location = var.region
  role     = each.value.role
  member   = google_service_account.runtime[each.value.identity].member
}

resource "google_service_account_iam_member" "runtime_tasks_invoker" {
  for_each = { for key, g in local.runtime_grants : key => g if g.scope == "tasks-invoker" }

  service_account_id = google_service_account.tasks_invoker.name
  role               = each.value.role
  member             = google_service_account.runtime[each.value.identity].member
}

resource "google_service_account_iam_member" "runtime_pubsub_push" {
  for_each = { for key, g in local.runtime_grants : key => g if g.scope == "pubsub-push" }

  service_account_id = google_service_account.pubsub_push.name
  role               = each.value.role
  member             = google_service_account.runtime[each.value.identity].member
}

resource "google_service_account_iam_member" "runtime_self" {
  for_each = { for key, g in local.runtime_grants : key => g if g.scope == "self" }

  service_account_id = google_service_account.runtime[each.value.identity].name
  role               = each.value.role
  member             = google_service_account.runtime[each.value.identity].member
}

# --- Function build -----------------------------------------------------------

# Dedicated Cloud Build identity: recent projects no longer grant the default
# compute service account the permissions needed to build functions.
resource "google_service_account" "fn_build" {
  account_id   = "fn-build"
  display_name = "Passerelle functions build"
  description  = "Cloud Build identity used to build the Passerelle functions."

  depends_on = [time_sleep.apis_ready]
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

# IAM changes take up to a couple of minutes to reach every Google service: the first build
# must not start before its account may write its logs, image and staged source.
resource "time_sleep" "build_iam_ready" {
  create_duration = "60s"

  depends_on = [google_project_iam_member.fn_build]
}

# --- Invokers of internal functions -------------------------------------------

resource "google_service_account" "pubsub_push" {
  account_id   = "pubsub-push"
  display_name = "Passerelle Pub/Sub push"
  description  = "OIDC identity of the push subscriptions (invokes publish_execution, score_candidates, run_export); register_contractor acts as it for contractors' push subscriptions."

  depends_on = [time_sleep.apis_ready]
}

# The Pub/Sub service agent mints the OIDC tokens of push subscriptions.
resource "google_service_account_iam_member" "pubsub_agent_token_creator" {
  service_account_id = google_service_account.pubsub_push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent
}

resource "google_service_account" "scheduler_invoker" {
  account_id   = "scheduler-invoker"
  display_name = "Passerelle scheduler invoker"
  description  = "OIDC identity of the Cloud Scheduler jobs of scheduler.tf (relay_outbox, seal_audit, check_audit_witness, expire_quotes, publish_half_year_report, remind_catalogue_reviews, sync_chorus_pro)."

  depends_on = [time_sleep.apis_ready]
}

# --- Contractor ERPs ----------------------------------------------------------

# One identity per contractor ERP. Terraform creates no key: an ERP authenticates through
# workload identity federation (erp_identity.tf) or a key issued out of band (README).
resource "google_service_account" "erp" {
  for_each = local.contractors

  account_id   = local.erp_account_ids[each.key]
  display_name = "ERP ${each.key}"
  description  = "Contractor ${each.key}: publishes on execution-${each.key}, pulls orders-${each.key}-erp and replies-${each.key}-erp."

  depends_on = [time_sleep.apis_ready]
}
