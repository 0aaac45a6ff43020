//! One module per rule. The file name is the code and the name.

/// Declares `pub static RULE` with its metadata next to the check.
macro_rules! declare_rule {
    ($code:literal, $name:literal, $family:ident, $severity:ident, $summary:literal, $doc:literal, $fix:literal, $check:path) => {
        /// The rule.
        pub static RULE: crate::rule::Rule = crate::rule::Rule {
            meta: lint_source::RuleMeta {
                code: $code,
                name: $name,
                family: lint_source::Family::$family,
                severity: lint_source::Severity::$severity,
                summary: $summary,
                doc: $doc,
                fix: $fix,
            },
            check: $check,
        };
    };
}

pub mod fpm101_slowlog_never_before_kill;
pub mod fpm102_errors_logged_nowhere;
pub mod fpm103_array_entry_shadowed;
pub mod fpm104_env_overridden_by_nginx;
pub mod fpm105_max_children_far_below_nginx;
pub mod fpm106_log_directory_missing;
pub mod fpm107_worker_cannot_write;
pub mod fpm108_unbounded_worker_memory;
pub mod fpm109_pool_directive_in_php_ini;
pub mod fpm110_slowlog_without_timeout;
pub mod ngx101_conflicting_server_name;
pub mod ngx102_no_explicit_default_server;
pub mod ngx103_listen_443_without_ssl;
pub mod ngx104_certificate_without_ssl_listen;
pub mod ngx105_expected_name_not_served;
pub mod ngx106_name_cannot_match;
pub mod ngx107_server_unreachable;
pub mod ngx108_protocol_options_shared;
pub mod ngx109_plain_http2_port;
pub mod ngx110_quic_not_advertised;
pub mod ngx111_dual_stack_conflict;
pub mod ngx112_connections_exceed_rlimit;
pub mod ngx201_script_filename_missing;
pub mod ngx202_fastcgi_param_reset;
pub mod ngx203_alias_with_document_root;
pub mod ngx204_index_without_index_php;
pub mod ngx205_root_not_in_scope;
pub mod ngx206_fastcgi_buffer_size_small;
pub mod ngx207_php_served_as_source;
pub mod ngx208_try_files_cycle;
pub mod ngx209_error_page_loop;
pub mod sec001_split_path_info_without_check;
pub mod x001_fastcgi_pass_no_pool;
pub mod x002_transport_mismatch;
pub mod x003_socket_permission;
pub mod x004_allowed_clients_excludes_nginx;
pub mod x005_localhost_ipv6_mismatch;
pub mod x006_nginx_gives_up_first;
pub mod x007_fpm_kills_first;
pub mod x008_proxy_timeout_on_fastcgi;
pub mod x009_connect_timeout_over_75s;
pub mod x010_wrong_protocol_to_pool;
pub mod x011_port_bound_twice;
pub mod x012_socket_in_private_tmp;
pub mod x013_variable_pass_without_resolver;
pub mod x014_keepalive_vs_recycling;
pub mod x015_backlog_below_capacity;
pub mod x016_chroot_host_paths;
pub mod x017_limit_extensions;
pub mod x018_docroot_closed_to_pool;
pub mod x019_loopback_across_containers;
pub mod x020_upstream_host_not_found;
pub mod x021_port_mismatch_across_containers;
pub mod x022_pool_on_loopback_across_containers;
pub mod x023_socket_not_shared;
pub mod x024_fastcgi_port_published;
pub mod x025_script_missing_in_php_container;
pub mod x026_docroot_missing_in_nginx_container;
