//! php-fpm configuration: PHP's ini dialect as php-fpm reads it, with spans.
#![forbid(unsafe_code)]
