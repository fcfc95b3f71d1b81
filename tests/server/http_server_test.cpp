// server::http_server over real loopback sockets, on both backends (WEFT_IO picks the
// workers' backend): several workers and listeners, the connection cap's 503, a graceful
// stop that answers the request in flight, and a bind conflict at start().

#include <weft/addr/socket_address.hpp>
#include <weft/http/router.hpp>
#include <weft/io/loop.hpp>
#include <weft/server/http_server.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

using namespace std::chrono_literals;
using namespace weft;
using http::response;
using http::status;
using server::http_server;
using server::http_server_config;

namespace {

// ---- handlers ---------------------------------------------------------------------------

std::atomic<int> slow_entered{0};

task<response> hello(http::request& r) {
    co_return response::text(status::ok, fmt::format("hello {}", r.target()));
}

// In flight for 500 ms: what a graceful stop must wait for.
task<response> slow(http::request& /*r*/) {
    slow_entered.fetch_add(1);
    (void)co_await io::sleep_for(500ms);
    co_return response::text(status::ok, "slow done");
}

http::handler app() {
    http::router r;
    r.get("/hello/{*rest}", hello);
    r.get("/slow", slow);
    return r.to_handler();
}

// ---- a blocking loopback client ---------------------------------------------------------

struct raw_response {
    int status = 0;
    std::string head; // status line and fields, without the empty line
    std::string body;

    [[nodiscard]] bool has(std::string_view field_line) const {
        return head.find(fmt::format("\r\n{}\r\n", field_line)) != std::string::npos ||
               head.ends_with(fmt::format("\r\n{}", field_line));
    }
};

// One TCP connection with 5 s receive and send timeouts, so a hung server fails the test
// instead of hanging it.
class client {
  public:
    explicit client(const addr::socket_address& to) {
        sockaddr_storage ss{};
        const socklen_t len = to.to_sockaddr(ss);
        fd_ = ::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) {
            return;
        }
        timeval tv{5, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (::connect(fd_, reinterpret_cast<const sockaddr*>(&ss), len) != 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    ~client() { close(); }
    client(client&& o) noexcept : fd_(std::exchange(o.fd_, -1)), buf_(std::move(o.buf_)) {}
    client(const client&) = delete;
    client& operator=(const client&) = delete;
    client& operator=(client&&) = delete;

    [[nodiscard]] bool connected() const { return fd_ >= 0; }

    void close() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

    bool send(std::string_view data) {
        while (!data.empty()) {
            const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n <= 0) {
                return false;
            }
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    bool get(std::string_view target, bool keep_alive = true) {
        return send(fmt::format("GET {} HTTP/1.1\r\nHost: test\r\n{}\r\n", target,
                                keep_alive ? "" : "Connection: close\r\n"));
    }

    // The next response, framed by Content-Length; nullopt on close, error or timeout.
    std::optional<raw_response> response() {
        std::size_t end;
        while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
            if (!fill()) {
                return std::nullopt;
            }
        }
        raw_response r;
        r.head = buf_.substr(0, end);
        buf_.erase(0, end + 4);
        if (r.head.size() < 12 || !r.head.starts_with("HTTP/1.1 ")) {
            return std::nullopt;
        }
        r.status = std::atoi(r.head.c_str() + 9);
        std::size_t length = 0;
        if (auto at = r.head.find("\r\nContent-Length: "); at != std::string::npos) {
            length = std::strtoul(r.head.c_str() + at + 18, nullptr, 10);
        }
        while (buf_.size() < length) {
            if (!fill()) {
                return std::nullopt;
            }
        }
        r.body = buf_.substr(0, length);
        buf_.erase(0, length);
        return r;
    }

    // Whether the server closes cleanly (EOF) with no byte beyond what was already read.
    bool closed_cleanly() {
        if (!buf_.empty()) {
            return false;
        }
        char c;
        return ::recv(fd_, &c, 1, 0) == 0;
    }

    // Everything until EOF; nullopt on a timeout or a reset.
    std::optional<std::string> read_to_close() {
        std::string out = std::exchange(buf_, {});
        char chunk[4096];
        for (;;) {
            const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
            if (n == 0) {
                return out;
            }
            if (n < 0) {
                return std::nullopt;
            }
            out.append(chunk, static_cast<std::size_t>(n));
        }
    }

  private:
    bool fill() {
        char chunk[4096];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) {
            return false;
        }
        buf_.append(chunk, static_cast<std::size_t>(n));
        return true;
    }

    int fd_ = -1;
    std::string buf_;
};

// ---- fixture ----------------------------------------------------------------------------

// Makes the loops http_server creates use the backend under test (run_workers reads
// WEFT_IO), and skips io_uring where the kernel refuses it.
class http_server_test : public ::testing::TestWithParam<io::backend_kind> {
  protected:
    void SetUp() override {
        if (const char* old = std::getenv("WEFT_IO")) {
            saved_ = old;
        }
        ::setenv("WEFT_IO", std::string(io::to_string(GetParam())).c_str(), 1);
        if (GetParam() == io::backend_kind::uring) {
            // Probed on a thread of its own: a ring created on this thread would leave it
            // with io_uring task work, whose notifications interrupt the blocking client calls
            // here (recv with SO_RCVTIMEO fails with EINTR).
            std::optional<std::string> unavailable;
            std::thread([&unavailable] {
                if (auto l = io::loop::create(io::backend_kind::uring); !l) {
                    unavailable = l.error().message();
                }
            }).join();
            if (unavailable) {
                GTEST_SKIP() << "io_uring unavailable here: " << *unavailable;
            }
        }
        slow_entered.store(0);
    }
    void TearDown() override {
        if (saved_) {
            ::setenv("WEFT_IO", saved_->c_str(), 1);
        } else {
            ::unsetenv("WEFT_IO");
        }
    }

    static http_server_config config(std::vector<std::string_view> listen, std::size_t threads) {
        http_server_config c;
        for (auto text : listen) {
            c.listen.push_back(addr::socket_address::parse(text).value());
        }
        c.threads = threads;
        c.shutdown_timeout = 5s;
        return c;
    }

    // start() with the checks every test wants: it succeeded, on the backend under test.
    static std::vector<addr::socket_address> start(http_server& srv) {
        auto bound = srv.start();
        EXPECT_TRUE(bound.has_value()) << bound.error();
        if (!bound) {
            return {};
        }
        EXPECT_EQ(srv.backend(), GetParam());
        for (const auto& at : *bound) {
            EXPECT_NE(at.port(), 0) << "start() reports the real port";
        }
        return *bound;
    }

  private:
    std::optional<std::string> saved_;
};

INSTANTIATE_TEST_SUITE_P(, http_server_test,
                         ::testing::Values(io::backend_kind::uring, io::backend_kind::epoll),
                         [](const auto& info) { return std::string(io::to_string(info.param)); });

// ---- tests ------------------------------------------------------------------------------

TEST_P(http_server_test, concurrent_clients_get_their_answers) {
    http_server srv(config({"127.0.0.1:0"}, 2), app());
    const auto bound = start(srv);
    ASSERT_EQ(bound.size(), 1U);
    EXPECT_EQ(srv.threads(), 2U);

    constexpr int clients = 8;
    constexpr int requests = 25;
    std::atomic<int> answered{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < clients; ++t) {
        threads.emplace_back([&, t] {
            client c(bound[0]);
            ASSERT_TRUE(c.connected());
            for (int i = 0; i < requests; ++i) {
                // One keep-alive connection per client, one request after the other.
                const std::string target = fmt::format("/hello/{}/{}", t, i);
                ASSERT_TRUE(c.get(target));
                auto r = c.response();
                ASSERT_TRUE(r.has_value()) << target;
                EXPECT_EQ(r->status, 200);
                EXPECT_EQ(r->body, "hello " + target);
                answered.fetch_add(1);
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(answered.load(), clients * requests);
    EXPECT_EQ(srv.stats().connections.load(), static_cast<std::uint64_t>(clients));
    srv.stop();
    EXPECT_TRUE(srv.wait());
}

TEST_P(http_server_test, every_listener_answers) {
    http_server srv(config({"127.0.0.1:0", "[::1]:0"}, 2), app());
    auto bound = srv.start();
    if (!bound && bound.error().find("[::1]") != std::string::npos) {
        GTEST_SKIP() << "no IPv6 loopback here: " << bound.error();
    }
    ASSERT_TRUE(bound.has_value()) << bound.error();
    ASSERT_EQ(bound->size(), 2U);
    EXPECT_TRUE((*bound)[0].address().is_v4());
    EXPECT_TRUE((*bound)[1].address().is_v6());
    EXPECT_NE((*bound)[0].port(), 0);
    EXPECT_NE((*bound)[1].port(), 0);
    for (const auto& at : *bound) {
        // A few connections each, so both workers' listeners are likely exercised.
        for (int i = 0; i < 4; ++i) {
            client c(at);
            ASSERT_TRUE(c.connected()) << at.to_string();
            ASSERT_TRUE(c.get("/hello/x", false));
            auto r = c.response();
            ASSERT_TRUE(r.has_value()) << at.to_string();
            EXPECT_EQ(r->status, 200);
            EXPECT_EQ(r->body, "hello /hello/x");
            EXPECT_TRUE(c.closed_cleanly());
        }
    }
    srv.stop();
    EXPECT_TRUE(srv.wait());
}

TEST_P(http_server_test, over_the_cap_gets_503_then_a_slot_frees) {
    auto cfg = config({"127.0.0.1:0"}, 2);
    cfg.max_connections = 2;
    http_server srv(cfg, app());
    const auto bound = start(srv);
    ASSERT_EQ(bound.size(), 1U);

    // Two connections, each known to be served (they got an answer) and then kept open.
    std::vector<client> held;
    for (int i = 0; i < 2; ++i) {
        held.emplace_back(bound[0]);
        ASSERT_TRUE(held.back().connected());
        ASSERT_TRUE(held.back().get("/hello/held"));
        auto r = held.back().response();
        ASSERT_TRUE(r.has_value());
        EXPECT_EQ(r->status, 200);
    }

    // The third: a complete 503 with Retry-After, then a clean close; nothing else.
    {
        client third(bound[0]);
        ASSERT_TRUE(third.connected());
        ASSERT_TRUE(third.get("/hello/third"));
        auto all = third.read_to_close();
        ASSERT_TRUE(all.has_value()) << "no clean close after the 503";
        ASSERT_TRUE(all->starts_with("HTTP/1.1 503 Service Unavailable\r\n")) << *all;
        const auto end = all->find("\r\n\r\n");
        ASSERT_NE(end, std::string::npos);
        const std::string head = all->substr(0, end + 2);
        EXPECT_NE(head.find("\r\nRetry-After: 1\r\n"), std::string::npos) << head;
        EXPECT_NE(head.find("\r\nConnection: close\r\n"), std::string::npos) << head;
        const auto at = head.find("\r\nContent-Length: ");
        ASSERT_NE(at, std::string::npos);
        const auto length = std::strtoul(head.c_str() + at + 18, nullptr, 10);
        EXPECT_EQ(all->size(), end + 4 + length) << "exactly one response, then EOF";
    }
    // The held connections were not disturbed.
    ASSERT_TRUE(held[0].get("/hello/again"));
    auto again = held[0].response();
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->status, 200);

    // Closing one frees its slot: a new connection is served (once the server has seen the
    // close, which takes a moment; retried for up to 5 s).
    held[1].close();
    bool served = false;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!served && std::chrono::steady_clock::now() < deadline) {
        client next(bound[0]);
        ASSERT_TRUE(next.connected());
        ASSERT_TRUE(next.get("/hello/next", false));
        auto r = next.response();
        ASSERT_TRUE(r.has_value());
        if (r->status == 200) {
            served = true;
            EXPECT_EQ(r->body, "hello /hello/next");
        } else {
            EXPECT_EQ(r->status, 503);
            std::this_thread::sleep_for(20ms);
        }
    }
    EXPECT_TRUE(served) << "the freed slot was never reused";
    srv.stop();
    EXPECT_TRUE(srv.wait());
}

TEST_P(http_server_test, graceful_stop_answers_the_request_in_flight) {
    http_server srv(config({"127.0.0.1:0"}, 2), app());
    const auto bound = start(srv);
    ASSERT_EQ(bound.size(), 1U);

    // An idle keep-alive connection: served once, then waiting for its next request.
    client idle(bound[0]);
    ASSERT_TRUE(idle.connected());
    ASSERT_TRUE(idle.get("/hello/idle"));
    auto first = idle.response();
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->status, 200);
    EXPECT_FALSE(first->has("Connection: close"));

    // A keep-alive request whose handler is sleeping when stop() is called.
    client busy(bound[0]);
    ASSERT_TRUE(busy.connected());
    ASSERT_TRUE(busy.get("/slow"));
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (slow_entered.load() == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    ASSERT_EQ(slow_entered.load(), 1);
    const auto stop_at = std::chrono::steady_clock::now();
    srv.stop();

    // The idle one closes at once, without a response.
    EXPECT_TRUE(idle.closed_cleanly());
    EXPECT_LT(std::chrono::steady_clock::now() - stop_at, 400ms) << "the idle close waited";

    // The busy one is answered in full, told the connection closes, and then closed.
    auto r = busy.response();
    ASSERT_TRUE(r.has_value()) << "the request in flight was not answered";
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "slow done");
    EXPECT_TRUE(r->has("Connection: close")) << r->head;
    EXPECT_TRUE(busy.closed_cleanly());

    EXPECT_TRUE(srv.wait());
    // Stopped: nobody listens any more.
    client late(bound[0]);
    EXPECT_FALSE(late.connected());
}

TEST_P(http_server_test, stop_without_connections_is_prompt) {
    http_server srv(config({"127.0.0.1:0"}, 2), app());
    ASSERT_EQ(start(srv).size(), 1U);
    const auto t0 = std::chrono::steady_clock::now();
    srv.stop();
    srv.stop(); // idempotent
    EXPECT_TRUE(srv.wait());
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

// A port held by a socket without SO_REUSEPORT cannot be shared: start() fails, naming it.
TEST_P(http_server_test, bind_conflict_fails_start_naming_the_address) {
    const int holder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(holder, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0);
    ASSERT_EQ(::listen(holder, 8), 0);
    socklen_t len = sizeof sin;
    ASSERT_EQ(::getsockname(holder, reinterpret_cast<sockaddr*>(&sin), &len), 0);
    const std::string taken = fmt::format("127.0.0.1:{}", ntohs(sin.sin_port));

    for (const std::size_t threads : {1U, 2U}) {
        http_server srv(config({"127.0.0.1:0", taken}, threads), app());
        const auto bound = srv.start();
        ASSERT_FALSE(bound.has_value()) << threads << " threads";
        EXPECT_NE(bound.error().find(taken), std::string::npos) << bound.error();
        EXPECT_NE(bound.error().find(std::strerror(EADDRINUSE)), std::string::npos)
            << bound.error();
        EXPECT_TRUE(srv.wait()) << "a failed start leaves nothing to wait for";
    }
    ::close(holder);
}

// Regression: with several workers the listeners set SO_REUSEPORT, and so may whoever holds
// the port (another weft serve, same user): the kernel let both bind, and the second server
// silently took a share of the first one's connections.
TEST_P(http_server_test, port_held_by_a_reuse_port_listener_is_a_conflict_too) {
    const int holder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(holder, 0);
    const int one = 1;
    ASSERT_EQ(::setsockopt(holder, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one), 0);
    ASSERT_EQ(::setsockopt(holder, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0);
    ASSERT_EQ(::listen(holder, 8), 0);
    socklen_t len = sizeof sin;
    ASSERT_EQ(::getsockname(holder, reinterpret_cast<sockaddr*>(&sin), &len), 0);
    const std::string taken = fmt::format("127.0.0.1:{}", ntohs(sin.sin_port));

    for (const std::size_t threads : {1U, 2U}) {
        http_server srv(config({taken}, threads), app());
        const auto bound = srv.start();
        ASSERT_FALSE(bound.has_value()) << threads << " threads: shared a port in use";
        EXPECT_NE(bound.error().find(taken), std::string::npos) << bound.error();
        EXPECT_NE(bound.error().find(std::strerror(EADDRINUSE)), std::string::npos)
            << bound.error();
    }
    ::close(holder);
}

// A fixed port that is free is bound by every worker (the probe must not keep it).
TEST_P(http_server_test, fixed_free_port_with_several_workers) {
    std::uint16_t port = 0;
    {
        http_server probe(config({"127.0.0.1:0"}, 1), app());
        const auto bound = start(probe);
        ASSERT_EQ(bound.size(), 1U);
        port = bound[0].port();
        probe.stop();
        ASSERT_TRUE(probe.wait());
    }
    const std::string at = fmt::format("127.0.0.1:{}", port);
    http_server srv(config({at}, 2), app());
    const auto bound = start(srv);
    ASSERT_EQ(bound.size(), 1U);
    EXPECT_EQ(bound[0].port(), port);
    for (int i = 0; i < 4; ++i) {
        client c(bound[0]);
        ASSERT_TRUE(c.get("/hello/fixed", false));
        auto r = c.response();
        ASSERT_TRUE(r.has_value());
        EXPECT_EQ(r->status, 200);
    }
    srv.stop();
    EXPECT_TRUE(srv.wait());
}

TEST(http_server, nothing_to_listen_on_is_an_error) {
    http_server srv(http_server_config{}, app());
    const auto bound = srv.start();
    ASSERT_FALSE(bound.has_value());
    EXPECT_FALSE(bound.error().empty());
}

} // namespace
