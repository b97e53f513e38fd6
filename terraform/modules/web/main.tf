# The web app: frontend/dist (built by `make web`) in a GCS bucket that the load balancer serves at `/`,
# plus the production app-config.json beside index.html.

locals {
  content_types = {
    css   = "text/css; charset=utf-8"
    html  = "text/html; charset=utf-8"
    ico   = "image/x-icon"
    jpg   = "image/jpeg"
    js    = "text/javascript; charset=utf-8"
    json  = "application/json"
    png   = "image/png"
    svg   = "image/svg+xml"
    txt   = "text/plain; charset=utf-8"
    webp  = "image/webp"
    woff2 = "font/woff2"
  }

  # Source maps stay out of the public bucket; the runtime configuration is written below, never copied.
  dist_files = toset([
    for file in fileset(var.dist_dir, "**") : file
    if !endswith(file, ".map") && file != "app-config.json"
  ])

  app_config = {
    firebase = {
      apiKey     = var.firebase_api_key
      authDomain = var.firebase_auth_domain
      projectId  = var.project_id
      appId      = var.firebase_app_id
    }
    googleSignIn = var.google_sign_in
    environment  = "production"
  }
}

resource "google_storage_bucket" "web" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name_prefix}-web"
  location                    = var.location
  uniform_bucket_level_access = true
  force_destroy               = true
  labels                      = var.labels

  website {
    main_page_suffix = "index.html"
    not_found_page   = "index.html"
  }

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 7
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  #checkov:skip=CKV_GCP_114:The bucket is the public web app behind the load balancer's backend bucket, which reads objects anonymously; public access prevention would take the site down.
  #checkov:skip=CKV_GCP_62:Holds only the built web app (public files, no user data); requests are logged by the load balancer.
}

# The load balancer's backend bucket fetches objects anonymously: the built app is public by nature.
resource "google_storage_bucket_iam_member" "public_read" {
  bucket = google_storage_bucket.web.name
  role   = "roles/storage.objectViewer"
  member = "allUsers"

  #checkov:skip=CKV_GCP_28:Deliberately public: this bucket holds only the built web app and its public configuration, served at / by the load balancer.
}

resource "google_storage_bucket_object" "dist" {
  for_each = local.dist_files

  bucket       = google_storage_bucket.web.name
  name         = each.value
  source       = "${var.dist_dir}/${each.value}"
  content_type = lookup(local.content_types, lower(reverse(split(".", each.value))[0]), "application/octet-stream")
  # Vite fingerprints everything under assets/; the entry page and other files must be revalidated.
  cache_control = startswith(each.value, "assets/") ? "public, max-age=31536000, immutable" : "no-cache"
}

resource "google_storage_bucket_object" "app_config" {
  bucket        = google_storage_bucket.web.name
  name          = "app-config.json"
  content       = jsonencode(local.app_config)
  content_type  = "application/json"
  cache_control = "no-store"

  lifecycle {
    precondition {
      condition     = fileexists("${var.dist_dir}/index.html")
      error_message = "${var.dist_dir}/index.html is missing: build the web app first (make web)."
    }
  }
}
