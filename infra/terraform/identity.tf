# Identity Platform (Firebase Authentication): e-mail/password sign-in of the web app's users,
# accounts created by operators through manage_account (never by self sign-up), and the
# browser API key of the web app.

resource "google_identity_platform_config" "default" {
  project = var.project_id

  # Accounts are created by manage_account (Admin SDK); nobody signs up from a browser, and a
  # user cannot delete its own account (the audit trail and its requests refer to it).
  client {
    permissions {
      disabled_user_signup   = true
      disabled_user_deletion = true
    }
  }

  sign_in {
    allow_duplicate_emails = false

    email {
      enabled           = true
      password_required = true
    }
  }

  # Domains allowed in e-mail action links and OAuth redirects: the web app's own host and any
  # custom domain in front of it.
  authorized_domains = distinct([for origin in local.web_origins : split(":", trimprefix(origin, "https://"))[0]])

  depends_on = [time_sleep.apis_ready]
}

# Public by design (it identifies the project to Identity Toolkit and grants nothing), but
# usable only for sign-in and token refresh, and only from the web app's origins.
resource "google_apikeys_key" "web" {
  project      = var.project_id
  name         = "passerelle-web"
  display_name = "Passerelle web app sign-in"

  restrictions {
    api_targets {
      service = "identitytoolkit.googleapis.com"
    }

    api_targets {
      service = "securetoken.googleapis.com"
    }

    browser_key_restrictions {
      # A cross-origin fetch sends the page's origin as referrer (strict-origin-when-cross-origin).
      allowed_referrers = [for origin in local.web_origins : "${origin}/*"]
    }
  }

  depends_on = [google_identity_platform_config.default]
}

# B15 secret strength for what Identity Platform itself checks: the password-reset e-mail's page, and
# every sign-in (force_upgrade_on_signin: a password that no longer meets the policy must be changed).
# The platform's own rule is password_is_strong (shared/domain/identity.py): 12 to 128 characters
# mixing three of four character classes. Identity Platform can only require each class on its own,
# so requiring any one would refuse passwords the platform accepts (e.g. "lower, digit, symbol"
# without an uppercase letter): the policy holds the length and requires no class, and change_password
# and manage_account keep checking the classes. tests/unit/test_terraform_keys.py holds both equal.
locals {
  password_policy = {
    passwordPolicyEnforcementState = "ENFORCE"
    forceUpgradeOnSignin           = true
    passwordPolicyVersions = [{
      customStrengthOptions = {
        minPasswordLength                = 12
        maxPasswordLength                = 128
        containsLowercaseCharacter       = false
        containsUppercaseCharacter       = false
        containsNumericCharacter         = false
        containsNonAlphanumericCharacter = false
      }
    }]
  }
}

# The google provider (~> 6.0, and 7.x too) has no argument for Identity Platform's password policy:
# the Admin API (projects.updateConfig, passwordPolicyConfig only) is called with the credentials
# Terraform runs with, from the operator's machine (gcloud and curl, README step 1), whenever the
# policy changes. `terraform apply -replace=terraform_data.password_policy` sends it again.
resource "terraform_data" "password_policy" {
  triggers_replace = [var.project_id, jsonencode(local.password_policy)]

  provisioner "local-exec" {
    # The answer is the whole project configuration (its hash signer key included): kept out of the
    # logs unless the call fails.
    command = <<-EOT
      answer=$(mktemp)
      status=$(curl -sS -o "$answer" -w '%%{http_code}' -X PATCH \
        -H "Authorization: Bearer $(gcloud auth application-default print-access-token)" \
        -H "x-goog-user-project: $QUOTA_PROJECT" -H "Content-Type: application/json" \
        "https://identitytoolkit.googleapis.com/admin/v2/projects/$PROJECT/config?updateMask=passwordPolicyConfig" \
        -d "$BODY")
      [ "$status" = 200 ] || { echo "Identity Platform password policy: HTTP $status" >&2; cat "$answer" >&2; rm -f "$answer"; exit 1; }
      rm -f "$answer"
    EOT
    environment = {
      PROJECT       = var.project_id
      QUOTA_PROJECT = local.quota_project
      BODY          = jsonencode({ passwordPolicyConfig = local.password_policy })
    }
  }

  depends_on = [google_identity_platform_config.default]
}
