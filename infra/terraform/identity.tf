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
