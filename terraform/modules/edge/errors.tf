# The JSON body of the edge throttle's 429 (armor.tf). Cloud Armor answers a denied request with its own body;
# the URL map's custom error response policy on the API route rules (main.tf) replaces it with this object,
# served from the web app's bucket through its backend bucket (an error service must be a backend bucket), so
# the answer has the API's error shape: {"error": {"code", "message"}}.
#
# The policy sits on the API route rules, not on the URL map or the path matcher defaults: those would also
# cover the web app, whose unknown paths are the bucket's not-found page (index.html, 404). It maps only 429.
#
# The load balancer cannot tell Cloud Armor's 429 from one the function sent: a policy for 429 replaces both.
# The functions in answers_own_429 send their own JSON 429s (too_many_active_jobs; rate_limited with
# Retry-After and RateLimit headers), so their routes carry no policy and keep those answers; over the edge
# threshold, their paths get Cloud Armor's default 429 body.
locals {
  answers_own_429 = ["create_job"]

  rate_limited_body = {
    error = {
      code    = "rate_limited"
      message = "Too many requests from this address; slow down and retry shortly."
    }
  }
}

resource "google_storage_bucket_object" "rate_limited" {
  bucket        = var.web_bucket
  name          = "errors/429.json"
  content       = jsonencode(local.rate_limited_body)
  content_type  = "application/json"
  cache_control = "no-store"
}
