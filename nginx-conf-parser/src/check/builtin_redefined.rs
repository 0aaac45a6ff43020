//! `the duplicate "host" variable`: `set`, `map`, `geo` and `split_clients` declare
//! the variable they give a value to, and nginx refuses to declare one of its own
//! again unless that one is marked changeable (`ngx_http_add_variable`). `set $scheme
//! https;` behind a TLS proxy, or `map $http_x_forwarded_host $host`, stops nginx at
//! start (gixy-ng's fixtures; live, nginx 1.22.1).

use lint_source::Diagnostic;

use super::codes::INVALID_VALUE;
use crate::catalogue::NginxVersion;
use crate::config::Item;

/// nginx's own http variables that `set` may give a value (declared
/// `NGX_HTTP_VAR_CHANGEABLE`): every one `set $name x;` accepts on nginx 1.22.1, tried
/// one by one with `nginx -t`. Every other built-in name is refused.
const CHANGEABLE: &[&str] = &[
    "ancient_browser",
    "args",
    "geoip_area_code",
    "geoip_city",
    "geoip_city_continent_code",
    "geoip_city_country_code",
    "geoip_city_country_code3",
    "geoip_city_country_name",
    "geoip_country_code",
    "geoip_country_code3",
    "geoip_country_name",
    "geoip_dma_code",
    "geoip_latitude",
    "geoip_longitude",
    "geoip_org",
    "geoip_postal_code",
    "geoip_region",
    "geoip_region_name",
    "invalid_referer",
    "limit_rate",
    "modern_browser",
    "msie",
    "proxy_add_via",
    "proxy_host",
    "proxy_port",
    "ssl_alpn_protocol",
    "ssl_cipher",
    "ssl_ciphers",
    "ssl_client_cert",
    "ssl_client_escaped_cert",
    "ssl_client_fingerprint",
    "ssl_client_i_dn",
    "ssl_client_i_dn_legacy",
    "ssl_client_raw_cert",
    "ssl_client_s_dn",
    "ssl_client_s_dn_legacy",
    "ssl_client_serial",
    "ssl_client_v_end",
    "ssl_client_v_remain",
    "ssl_client_v_start",
    "ssl_client_verify",
    "ssl_curve",
    "ssl_curves",
    "ssl_early_data",
    "ssl_protocol",
    "ssl_server_name",
    "ssl_session_id",
    "ssl_session_reused",
    "uid_reset",
];

/// The argument of a statement of the http subsystem that names the variable it
/// declares, if any.
fn declared(item: &Item<'_>) -> Option<usize> {
    if item.is("set") || item.is("perl_set") || item.is("auth_request_set") {
        return Some(0);
    }
    if !item.is_block() {
        return None;
    }
    if item.is("map") || item.is("split_clients") {
        return Some(1);
    }
    if item.is("geo") {
        return item.arg_count().checked_sub(1);
    }
    None
}

/// The finding for a statement (of an http context) that declares one of nginx's own
/// variables nginx does not let it change.
pub(super) fn check(item: &Item<'_>, version: NginxVersion) -> Option<Diagnostic> {
    let at = declared(item)?;
    let arg = item.arg(at)?;
    let written = arg.strip_prefix('$')?;
    // nginx compares variable names case-insensitively.
    let name = written.to_ascii_lowercase();
    // Known to both tables: the names tried against a real nginx 1.22.1, still nginx's
    // own in the version linted for.
    let builtin = super::variables::table(NginxVersion::V1_22)
        .names
        .contains(name.as_str())
        && super::variables::table(version)
            .names
            .contains(name.as_str());
    if !builtin || CHANGEABLE.contains(&name.as_str()) {
        return None;
    }
    Some(
        Diagnostic::new(
            &INVALID_VALUE,
            item.arg_span(at),
            format!("the duplicate \"{written}\" variable"),
        )
        .with_help(format!(
            "`${name}` is nginx's own and cannot be given a value: name yours differently (`${name}_x`) and use it where `${name}` was read"
        )),
    )
}
