# The single public HTTPS entry: a global external Application Load Balancer on one IP with a Google-managed
# certificate. /api/... goes to the public functions through one serverless NEG + backend service each; every
# other path is the web app from the GCS backend bucket. Port 80 only redirects to HTTPS. The function backends
# sit behind the Cloud Armor policy of armor.tf; the API route rules answer its throttle's 429 with the JSON
# error of errors.tf.

resource "google_compute_global_address" "this" {
  project = var.project_id
  name    = "${var.name_prefix}-edge"
}

resource "google_compute_region_network_endpoint_group" "function" {
  for_each = var.public_functions

  project               = var.project_id
  region                = var.region
  name                  = "${var.name_prefix}-${replace(each.key, "_", "-")}"
  network_endpoint_type = "SERVERLESS"

  cloud_run {
    service = each.value
  }
}

resource "google_compute_backend_service" "function" {
  for_each = var.public_functions

  project               = var.project_id
  name                  = "${var.name_prefix}-${replace(each.key, "_", "-")}"
  protocol              = "HTTPS"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  security_policy       = google_compute_security_policy.api.self_link

  backend {
    group = google_compute_region_network_endpoint_group.function[each.key].id
  }

  log_config {
    enable      = true
    sample_rate = 1.0
  }
}

resource "google_compute_backend_bucket" "web" {
  project          = var.project_id
  name             = "${var.name_prefix}-web"
  bucket_name      = var.web_bucket
  enable_cdn       = var.enable_cdn
  compression_mode = "AUTOMATIC"

  dynamic "cdn_policy" {
    for_each = var.enable_cdn ? [1] : []
    content {
      cache_mode = "USE_ORIGIN_HEADERS"
    }
  }
}

resource "google_compute_url_map" "https" {
  project         = var.project_id
  name            = "${var.name_prefix}-https"
  default_service = google_compute_backend_bucket.web.id

  host_rule {
    hosts        = [var.domain]
    path_matcher = "cineweave"
  }

  path_matcher {
    name            = "cineweave"
    default_service = google_compute_backend_bucket.web.id

    dynamic "route_rules" {
      for_each = local.api_routes
      content {
        priority = route_rules.key + 1
        service  = google_compute_backend_service.function[route_rules.value.function].id
        match_rules {
          full_path_match     = strcontains(route_rules.value.path, "{") ? null : route_rules.value.path
          path_template_match = strcontains(route_rules.value.path, "{") ? route_rules.value.path : null
        }
        # The throttle's 429 as the API's JSON error (errors.tf), except where the function sends its own 429s.
        dynamic "custom_error_response_policy" {
          for_each = contains(local.answers_own_429, route_rules.value.function) ? [] : [1]
          content {
            error_service = google_compute_backend_bucket.web.id
            error_response_rule {
              match_response_codes   = ["429"]
              path                   = "/${google_storage_bucket_object.rate_limited.name}"
              override_response_code = 429
            }
          }
        }
      }
    }

    route_rules {
      priority = 500
      service  = google_compute_backend_service.function[local.api_fallback_function].id
      match_rules {
        full_path_match = "/api"
      }
      match_rules {
        prefix_match = "/api/"
      }
      custom_error_response_policy {
        error_service = google_compute_backend_bucket.web.id
        error_response_rule {
          match_response_codes   = ["429"]
          path                   = "/${google_storage_bucket_object.rate_limited.name}"
          override_response_code = 429
        }
      }
    }

    dynamic "route_rules" {
      for_each = local.spa_routes
      content {
        priority = 600 + route_rules.key
        service  = google_compute_backend_bucket.web.id
        match_rules {
          full_path_match     = strcontains(route_rules.value, "{") ? null : route_rules.value
          path_template_match = strcontains(route_rules.value, "{") ? route_rules.value : null
        }
        route_action {
          url_rewrite {
            path_prefix_rewrite   = strcontains(route_rules.value, "{") ? null : "/index.html"
            path_template_rewrite = strcontains(route_rules.value, "{") ? "/index.html" : null
          }
        }
      }
    }
  }

  lifecycle {
    precondition {
      condition     = alltrue([for name in local.route_functions : contains(keys(var.public_functions), name)])
      error_message = "A route names a function that is not public: ${join(", ", setsubtract(local.route_functions, keys(var.public_functions)))}."
    }
    precondition {
      condition     = alltrue([for name in keys(var.public_functions) : contains(local.route_functions, name)])
      error_message = "A public function has no route: ${join(", ", setsubtract(keys(var.public_functions), local.route_functions))}."
    }
  }
}

resource "google_compute_managed_ssl_certificate" "this" {
  project = var.project_id
  name    = "${var.name_prefix}-cert-${substr(md5(var.domain), 0, 8)}"

  managed {
    domains = [var.domain]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "google_compute_ssl_policy" "this" {
  project         = var.project_id
  name            = "${var.name_prefix}-tls"
  profile         = "RESTRICTED"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_target_https_proxy" "this" {
  project          = var.project_id
  name             = "${var.name_prefix}-https"
  url_map          = google_compute_url_map.https.id
  ssl_certificates = [google_compute_managed_ssl_certificate.this.id]
  ssl_policy       = google_compute_ssl_policy.this.id
}

resource "google_compute_global_forwarding_rule" "https" {
  project               = var.project_id
  name                  = "${var.name_prefix}-https"
  ip_address            = google_compute_global_address.this.address
  port_range            = "443"
  target                = google_compute_target_https_proxy.this.id
  load_balancing_scheme = "EXTERNAL_MANAGED"
}

resource "google_compute_url_map" "http_redirect" {
  project = var.project_id
  name    = "${var.name_prefix}-http-redirect"

  default_url_redirect {
    https_redirect         = true
    redirect_response_code = "MOVED_PERMANENTLY_DEFAULT"
    strip_query            = false
  }
}

resource "google_compute_target_http_proxy" "redirect" {
  project = var.project_id
  name    = "${var.name_prefix}-http-redirect"
  url_map = google_compute_url_map.http_redirect.id
}

resource "google_compute_global_forwarding_rule" "http" {
  project               = var.project_id
  name                  = "${var.name_prefix}-http"
  ip_address            = google_compute_global_address.this.address
  port_range            = "80"
  target                = google_compute_target_http_proxy.redirect.id
  load_balancing_scheme = "EXTERNAL_MANAGED"
}
