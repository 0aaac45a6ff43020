//! Directives of modules the catalogue cannot know (naxsi, pagespeed, in-house builds).

use std::path::Path;

use lint_source::{Severity, SourceMap};
use nginx_conf_parser::check::{check, CheckOptions};
use nginx_conf_parser::from_dump;

/// NGX010 findings of `text` loaded as /etc/nginx/nginx.conf: (severity, label, related).
fn unknowns(text: &str) -> Vec<(Severity, String, Vec<String>)> {
    let map = SourceMap::new();
    let dump = format!("# configuration file /etc/nginx/nginx.conf:\n{text}\n");
    let config = from_dump(Path::new("-"), dump.as_bytes(), &map);
    check(&config, &CheckOptions::default(), &map)
        .into_iter()
        .filter(|d| d.code == "NGX010")
        .map(|d| {
            let label = d.primary.map(|p| p.message).unwrap_or_default();
            let related = d.related.into_iter().map(|l| l.message).collect();
            (d.severity, label, related)
        })
        .collect()
}

#[test]
fn an_unknown_loaded_module_explains_directives_with_no_near_miss() {
    let found = unknowns(
        "load_module modules/ngx_http_naxsi_module.so;\nevents {}\nhttp {\n MainRule \"str:<\" id:1302;\n}\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    let (severity, label, related) = &found[0];
    assert_eq!(*severity, Severity::Warning);
    assert!(label.contains("ngx_http_naxsi_module.so"), "{label}");
    assert!(related[0].contains("loaded here"), "{related:?}");
}

#[test]
fn a_modules_include_that_matched_nothing_explains_them_too() {
    let found = unknowns(
        "include /etc/nginx/modules-enabled/*.conf;\nevents {}\nhttp {\n MainRule \"str:<\" id:1302;\n}\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Severity::Warning);
    assert!(
        found[0].2[0].contains("modules-enabled"),
        "{:?}",
        found[0].2
    );
}

/// centminmod's builds compile in the traffic-status (vts) and pagespeed modules: their
/// directives were errors with no explanation, where headers-more's named the module.
#[test]
fn known_third_party_directives_name_their_module() {
    let found = unknowns(
        "events {}\nhttp {\n vhost_traffic_status_zone;\n server {\n  pagespeed on;\n  location /status { vhost_traffic_status_display; }\n }\n}\n",
    );
    assert_eq!(found.len(), 3, "{found:?}");
    for (severity, label, _) in &found {
        assert_eq!(*severity, Severity::Warning);
        assert!(
            label == "needs the third-party module vts"
                || label == "needs the third-party module pagespeed",
            "{label}"
        );
    }
}

#[test]
fn a_misspelling_stays_an_error_with_its_suggestion_even_beside_a_foreign_module() {
    let found = unknowns(
        "load_module modules/ngx_http_naxsi_module.so;\nevents {}\nhttp {\n fastcgi_read_timout 60s;\n}\n",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Severity::Error);
}

#[test]
fn without_foreign_modules_an_unknown_name_is_an_error() {
    let found = unknowns("events {}\nhttp {\n MainRule \"str:<\" id:1302;\n}\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Severity::Error);
    assert!(found[0].2.is_empty());
}

#[test]
fn nginx_own_dynamic_modules_are_not_foreign() {
    let found = unknowns(
        "load_module modules/ngx_stream_module.so;\nevents {}\nhttp {\n MainRule \"str:<\" id:1302;\n}\n",
    );
    assert_eq!(found[0].0, Severity::Error, "{found:?}");
}
