# Cloud Armor in front of every function backend service (a backend bucket, the web app, cannot take a backend
# security policy). Rules are evaluated by priority, lowest first, and the first match decides:
#
#   1000        deny(403)  Log4j JNDI lookups (preconfigured cve-canary: CVE-2021-44228 / CVE-2021-45046); ahead of
#                          the throttle, whose conforming requests are allowed without looking further
#   2000        throttle   /api/*: per client IP, at most edge_rate_limit_requests per
#                          edge_rate_limit_interval_sec; what exceeds it is answered 429 (the URL map turns the
#                          body into the API's JSON error: errors.tf)
#   2147483647  allow      everything else (the default rule)
#
# Cloud Armor counts the threshold per backend service: a client gets the allowance at each function separately.
# The key is the connecting IP, which is the client's own as long as the domain's DNS record is not proxied.
resource "google_compute_security_policy" "api" {
  project     = var.project_id
  name        = "${var.name_prefix}-api"
  description = "CineWeave API: Log4j lookups refused, per-IP throttle on /api/*, the rest allowed."
  type        = "CLOUD_ARMOR"

  # The API speaks JSON: let the preconfigured WAF expressions see the parsed body, not raw text.
  advanced_options_config {
    json_parsing = "STANDARD"
  }

  rule {
    priority    = 1000
    action      = "deny(403)"
    description = "Log4j JNDI lookups (CVE-2021-44228, CVE-2021-45046)."

    match {
      expr {
        expression = "evaluatePreconfiguredExpr('cve-canary')"
      }
    }
  }

  rule {
    priority    = 2000
    action      = "throttle"
    description = "Per client IP on /api/*: over the threshold, 429 until the interval ends."

    match {
      expr {
        expression = "request.path.startsWith('/api/')"
      }
    }

    rate_limit_options {
      conform_action = "allow"
      exceed_action  = "deny(429)"
      enforce_on_key = "IP"

      rate_limit_threshold {
        count        = var.edge_rate_limit_requests
        interval_sec = var.edge_rate_limit_interval_sec
      }
    }
  }

  rule {
    priority    = 2147483647
    action      = "allow"
    description = "Default: allow the rest."

    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
  }
}
