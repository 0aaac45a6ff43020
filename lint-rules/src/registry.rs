//! Every rule, one line each.

use crate::rule::Rule;
use crate::rules::*;

/// The registered rules, in code order.
pub static RULES: &[&Rule] = &[
    &x001_fastcgi_pass_no_pool::RULE,
    &x002_transport_mismatch::RULE,
    &x003_socket_permission::RULE,
    &x004_allowed_clients_excludes_nginx::RULE,
    &x005_localhost_ipv6_mismatch::RULE,
    &x006_nginx_gives_up_first::RULE,
    &x007_fpm_kills_first::RULE,
    &x008_proxy_timeout_on_fastcgi::RULE,
    &x009_connect_timeout_over_75s::RULE,
    &x010_wrong_protocol_to_pool::RULE,
    &x011_port_bound_twice::RULE,
    &x012_socket_in_private_tmp::RULE,
    &x013_variable_pass_without_resolver::RULE,
    &x014_keepalive_vs_recycling::RULE,
    &x015_backlog_below_capacity::RULE,
    &x016_chroot_host_paths::RULE,
    &x017_limit_extensions::RULE,
    &ngx101_conflicting_server_name::RULE,
    &ngx102_no_explicit_default_server::RULE,
    &ngx103_listen_443_without_ssl::RULE,
    &ngx104_certificate_without_ssl_listen::RULE,
    &ngx105_expected_name_not_served::RULE,
    &ngx106_name_cannot_match::RULE,
    &ngx107_server_unreachable::RULE,
    &ngx201_script_filename_missing::RULE,
    &ngx202_fastcgi_param_reset::RULE,
    &ngx203_alias_with_document_root::RULE,
    &ngx204_index_without_index_php::RULE,
    &ngx205_root_not_in_scope::RULE,
    &ngx206_fastcgi_buffer_size_small::RULE,
    &ngx207_php_served_as_source::RULE,
    &ngx208_try_files_cycle::RULE,
    &sec001_split_path_info_without_check::RULE,
    &fpm101_slowlog_never_before_kill::RULE,
    &fpm102_errors_logged_nowhere::RULE,
];
