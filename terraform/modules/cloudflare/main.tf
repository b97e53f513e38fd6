# Cloudflare: the R2 bucket for start images and results (deleted after a day), and optionally the DNS record
# that points the service's domain at the Google load balancer.

locals {
  # R2's S3 API endpoint; buckets in a jurisdiction have their own host.
  r2_endpoint_url = (var.r2_jurisdiction == "default"
    ? "https://${var.account_id}.r2.cloudflarestorage.com"
    : "https://${var.account_id}.${var.r2_jurisdiction}.r2.cloudflarestorage.com"
  )
  day_seconds = 86400
}

resource "cloudflare_r2_bucket" "outputs" {
  account_id    = var.account_id
  name          = var.bucket_name
  location      = var.r2_location
  jurisdiction  = var.r2_jurisdiction
  storage_class = "Standard"
}

# Videos live 24 hours (the sweep marks them expired and deletes them); this rule removes anything the sweep
# missed, start images included, and abandoned multipart uploads.
resource "cloudflare_r2_bucket_lifecycle" "outputs" {
  account_id   = var.account_id
  bucket_name  = cloudflare_r2_bucket.outputs.name
  jurisdiction = var.r2_jurisdiction

  rules = [{
    id         = "delete-after-${var.retention_days}-day"
    enabled    = true
    conditions = { prefix = "" }
    delete_objects_transition = {
      condition = { type = "Age", max_age = var.retention_days * local.day_seconds }
    }
    abort_multipart_uploads_transition = {
      condition = { type = "Age", max_age = local.day_seconds }
    }
  }]
}

# The browser PUTs start images straight to R2 with a presigned URL, and reads results with presigned GETs.
resource "cloudflare_r2_bucket_cors" "outputs" {
  account_id   = var.account_id
  bucket_name  = cloudflare_r2_bucket.outputs.name
  jurisdiction = var.r2_jurisdiction

  rules = [{
    id = "web-app"
    allowed = {
      origins = var.cors_origins
      methods = ["PUT", "GET", "HEAD"]
      headers = ["content-type"]
    }
    expose_headers  = ["ETag"]
    max_age_seconds = 3600
  }]
}

# Optional: when the domain's zone is on Cloudflare. DNS only (not proxied): Google's managed certificate is
# provisioned against the load balancer's own IP.
resource "cloudflare_dns_record" "service" {
  count = var.zone_id == null ? 0 : 1

  zone_id = var.zone_id
  name    = var.domain
  type    = "A"
  content = var.load_balancer_ip
  ttl     = 300
  proxied = false
  comment = "CineWeave load balancer"
}
