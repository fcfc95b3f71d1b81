#pragma once

#include <weft/http/request_parser.hpp>
#include <weft/http/response.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace weft::server {

/// Counters the status page shows; shared by every worker thread (relaxed atomics: they are
/// statistics, not synchronisation).
struct server_stats {
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::atomic<std::uint64_t> connections{0};
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> bytes_sent{0};
};

/// The site compiled into the binary, served when `weft serve` has no --root: a welcome
/// page that says what weft is ("/"), and a live status page ("/status", and "/status.json"
/// for scripts) with uptime, connections, requests and bytes.
[[nodiscard]] http::response default_site(const http::request_head& head,
                                          const server_stats& stats);

} // namespace weft::server
