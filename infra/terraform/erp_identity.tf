# Workload identity federation of contractor ERPs: an ERP running outside Google Cloud
# exchanges a token of its own platform (any OIDC issuer: a Kubernetes cluster, GitLab, Azure
# AD, an identity server of the contractor) for a short-lived token of its erp-<c> service
# account. No service-account key exists, so the organisation policy
# iam.disableServiceAccountKeyCreation can stay enforced (README, "Organisation policies").
#
# Example (prod.tfvars):
#   erp_workload_identity = {
#     "ctr-acme" = {
#       issuer_uri        = "https://login.acme-erp.example/realms/erp"
#       subject           = "system:serviceaccount:erp:passerelle-connector"
#       allowed_audiences = ["passerelle"]
#     }
#   }
#
# The ERP's credential configuration file (no secret in it) is then produced by:
#   gcloud iam workload-identity-pools create-cred-config \
#     projects/<number>/locations/global/workloadIdentityPools/passerelle-erp/providers/<provider id> \
#     --service-account=<erp service account e-mail> --credential-source-file=<path of the ERP's token> \
#     --output-file=passerelle-credentials.json
# (outputs erp_workload_identity_providers and contractor_pubsub give both names).

locals {
  # Provider ids: 4-32 characters of [a-z0-9-]; "erp-" + at most 28 characters of the id.
  erp_provider_ids = { for c in keys(var.erp_workload_identity) : c => "erp-${replace(substr(c, 0, 28), "/-+$/", "")}" }
}

resource "google_iam_workload_identity_pool" "erp" {
  count = length(var.erp_workload_identity) > 0 ? 1 : 0

  workload_identity_pool_id = "passerelle-erp"
  display_name              = "Passerelle contractor ERPs"
  description               = "One OIDC provider per contractor ERP federated with its erp-<c> service account."

  depends_on = [time_sleep.apis_ready]
}

resource "google_iam_workload_identity_pool_provider" "erp" {
  for_each = var.erp_workload_identity

  workload_identity_pool_id          = google_iam_workload_identity_pool.erp[0].workload_identity_pool_id
  workload_identity_pool_provider_id = local.erp_provider_ids[each.key]
  display_name                       = substr("ERP ${each.key}", 0, 32)

  # Only the ERP's own workload is accepted from this issuer; the provider stamps it with its
  # contractor, the attribute the service-account binding below requires (a token of another
  # provider of the pool can never carry it).
  attribute_mapping = {
    "google.subject"       = "assertion.sub"
    "attribute.contractor" = "\"${each.key}\""
  }
  attribute_condition = "assertion.sub == \"${each.value.subject}\""

  oidc {
    issuer_uri        = each.value.issuer_uri
    allowed_audiences = each.value.allowed_audiences
  }

  lifecycle {
    precondition {
      condition     = contains(var.contractors, each.key)
      error_message = "erp_workload_identity key ${each.key} is not one of var.contractors."
    }
  }
}

# The federated identity may act as the contractor's service account, and only as it: pull its
# subscriptions, publish its executions, and mint the ID tokens its HTTP calls carry.
resource "google_service_account_iam_member" "erp_workload_identity" {
  for_each = var.erp_workload_identity

  service_account_id = google_service_account.erp[each.key].name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.erp[0].name}/attribute.contractor/${each.key}"

  depends_on = [google_iam_workload_identity_pool_provider.erp]
}
