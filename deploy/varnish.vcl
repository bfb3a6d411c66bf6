# Varnish in front of the magazine (docs/deploy.md, "A CDN or Varnish in front").
# Needs Varnish 6+ and the xkey module (Debian: apt-get install varnish varnish-modules).
# Reader pages carry their cache tags in an `xkey` header (MAGAZINE_CDN_TAG_HEADER) and an
# s-maxage capped by their own expiry; the site sends `PURGE` with an `xkey-purge: <tags>`
# header (MAGAZINE_CDN_PURGE_URL=http://127.0.0.1:6081/) whenever a write changes those tags.
vcl 4.1;

import xkey;

backend magazine {
    .host = "127.0.0.1";
    .port = "8000";
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No xkey-purge header"));
        }
        set req.http.purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.purged));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Staff are logged in: never cached (the site marks their pages private anyway).
    if (req.http.Cookie ~ "(^|;\s*)sessionid=" || req.http.Authorization) {
        return (pass);
    }
    # Readers' pages do not depend on cookies (a csrftoken, analytics): drop them.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # Keep only what the site vouches for: reader pages (they carry their tags, and an
    # s-maxage no later than their own expiry) and static files (hashed names). Nothing else,
    # not even a 404: a scheduled review's address answers 200 from its moment on.
    if (!beresp.http.xkey && bereq.url !~ "^/static/") {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
    }
    # No grace: a page's s-maxage ends when a scheduled review or an embargo goes live, and
    # the first reader after that moment must get the new page, not the old one while
    # Varnish fetches in the background.
    set beresp.grace = 0s;
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
    # The tags are for Varnish only.
    unset resp.http.xkey;
}
