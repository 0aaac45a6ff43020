//! One module per rule, registered once in the list below. A rule's file is
//! named after its code and name (`x002_fastcgi_transport_mismatch.rs` holds
//! X002 `fastcgi-transport-mismatch`); `tests/rule_registry.rs` checks that every
//! file here is listed, named so, in the family its prefix says, and documented.

/// Declares each rule module and lists its `RULE` in [`RULES`], so a rule is
/// registered by one line.
macro_rules! register {
    ($($module:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// The registered rules, in code order.
        pub static RULES: &[&crate::rule::Rule] = &[$(&$module::RULE),*];
    };
}

register! {
    x001_fastcgi_pass_no_pool,
    x002_fastcgi_transport_mismatch,
    x003_socket_permission_denied,
    x004_allowed_clients_excludes_nginx,
    x005_localhost_ipv6_mismatch,
    x006_nginx_gives_up_first,
    x007_fpm_kills_first,
    x008_proxy_timeout_on_fastcgi,
    x009_fastcgi_connect_timeout_over_75s,
    x010_wrong_protocol_to_pool,
    x011_address_bound_twice,
    x012_socket_in_private_tmp,
    x013_variable_pass_without_resolver,
    x014_keepalive_vs_recycling,
    x015_small_listen_backlog,
    x016_chroot_host_paths,
    x017_limit_extensions_denies,
    x018_docroot_closed_to_pool,
    x019_loopback_across_containers,
    x020_upstream_host_not_found,
    x021_port_mismatch_across_containers,
    x022_pool_on_loopback_across_containers,
    x023_socket_not_shared,
    x024_fastcgi_port_published,
    x025_script_missing_in_php_container,
    x026_docroot_missing_in_nginx_container,
    ngx101_conflicting_server_name,
    ngx102_no_explicit_default_server,
    ngx103_listen_443_without_ssl,
    ngx104_certificate_without_ssl_listen,
    ngx105_expected_name_not_served,
    ngx106_server_name_cannot_match,
    ngx107_server_unreachable,
    ngx108_protocol_options_shared,
    ngx109_plain_http2_port,
    ngx110_quic_not_advertised,
    ngx111_dual_stack_conflict,
    ngx112_connections_exceed_file_limit,
    ngx201_script_filename_missing,
    ngx202_fastcgi_param_reset,
    ngx203_alias_with_document_root,
    ngx204_index_without_index_php,
    ngx205_root_not_in_scope,
    ngx206_fastcgi_buffer_size_small,
    ngx207_php_served_as_source,
    ngx208_try_files_cycle,
    ngx209_error_page_loop,
    sec001_split_path_info_without_check,
    sec070_proxy_pass_path_normalized,
    sec071_static_upstream_dns,
    sec072_external_resolver,
    sec073_post_quantum_curve,
    sec074_stapling_letsencrypt,
    sec075_stapling_without_resolver,
    sec076_misdirected_http2_default,
    sec077_quic_bpf_reuseport,
    sec078_proxy_buffering_off,
    sec079_low_keepalive_requests,
    sec080_worker_processes_unset,
    sec081_file_limit_below_twice_connections,
    sec082_missing_hsts,
    sec083_known_nginx_cve,
    sec084_regex_location_exact,
    fpm101_slowlog_at_terminate_timeout,
    fpm102_errors_logged_nowhere,
    fpm103_array_entry_shadowed,
    fpm104_env_overridden_by_nginx,
    fpm105_max_children_far_below_nginx,
    fpm106_log_directory_missing,
    fpm107_worker_cannot_write,
    fpm108_unbounded_worker_memory,
    fpm109_pool_directive_in_php_ini,
    fpm110_slowlog_without_timeout,
}
