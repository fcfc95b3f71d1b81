// The rest of the TCP surface: sendfile, dual-stack listeners, socket options, and a
// spawned task that throws (logged, the loop carries on).

#include "backends.hpp"

#include <weft/io/tcp.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using weft::task;
using weft::io::listen_options;
using weft::io::tcp_listener;
using weft::io::tcp_stream;
namespace addr = weft::addr;

namespace {

class tcp_extras : public weft::io::testing::on_each_backend {};
WEFT_ON_EACH_BACKEND(tcp_extras);

int get_int_option(int fd, int level, int name) {
    int v = -1;
    socklen_t len = sizeof v;
    EXPECT_EQ(::getsockopt(fd, level, name, &v, &len), 0);
    return v;
}

// Sends `count` bytes of the file at `offset` to the first connection, then closes.
task<void> serve_file(tcp_listener& l, int file_fd, off_t offset, std::size_t count) {
    auto c = co_await l.accept();
    EXPECT_TRUE(c);
    auto sent = co_await c->send_file(file_fd, offset, count);
    EXPECT_TRUE(sent) << sent.error().message();
    EXPECT_EQ(sent.value_or(0), count);
}

task<std::string> read_all(addr::socket_address at) {
    auto s = co_await tcp_stream::connect(at);
    EXPECT_TRUE(s);
    std::string out;
    std::array<std::byte, 65536> buf;
    while (s) {
        auto n = co_await s->read_some(buf);
        if (!n || *n == 0) {
            break;
        }
        out.append(reinterpret_cast<const char*>(buf.data()), *n);
    }
    co_return out;
}

TEST_P(tcp_extras, send_file_sends_a_range_without_copying_through_user_space) {
    // A 3 MiB file, more than a socket buffer, so sendfile must wait for room.
    char path[] = "/tmp/weft_sendfile_XXXXXX";
    const int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    ::unlink(path);
    std::string content(3 << 20, '\0');
    for (std::size_t i = 0; i < content.size(); ++i) {
        content[i] = static_cast<char>('a' + i % 26);
    }
    ASSERT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    auto l = tcp_listener::bind(the_loop(), *addr::socket_address::parse("127.0.0.1:0"));
    ASSERT_TRUE(l);
    const off_t offset = 1000;
    const std::size_t count = content.size() - 5000;
    the_loop().spawn(serve_file(*l, fd, offset, count));
    const auto got = the_loop().block_on(read_all(*l->local_address()));
    EXPECT_EQ(got.size(), count);
    EXPECT_TRUE(got == content.substr(static_cast<std::size_t>(offset), count));
    ::close(fd);
}

task<bool> connect_ok(addr::socket_address at) {
    auto s = co_await tcp_stream::connect(at);
    co_return s.has_value();
}

task<void> accept_n(tcp_listener& l, int n) {
    for (int i = 0; i < n; ++i) {
        auto c = co_await l.accept();
        EXPECT_TRUE(c);
    }
}

TEST_P(tcp_extras, dual_stack_listener_accepts_ipv4_and_ipv6) {
    listen_options o;
    o.v6_only = false;
    auto l = tcp_listener::bind(the_loop(), *addr::socket_address::parse("[::]:0"), o);
    ASSERT_TRUE(l) << l.error().message();
    const auto port = l->local_address()->port();
    the_loop().spawn(accept_n(*l, 2));
    EXPECT_TRUE(the_loop().block_on(connect_ok({addr::ipv4_address(127, 0, 0, 1), port})));
    EXPECT_TRUE(the_loop().block_on(
        connect_ok(*addr::socket_address::parse("[::1]:" + std::to_string(port)))));
}

TEST_P(tcp_extras, v6_only_listener_refuses_ipv4) {
    listen_options o;
    o.v6_only = true;
    auto l = tcp_listener::bind(the_loop(), *addr::socket_address::parse("[::]:0"), o);
    ASSERT_TRUE(l);
    const auto port = l->local_address()->port();
    EXPECT_FALSE(the_loop().block_on(connect_ok({addr::ipv4_address(127, 0, 0, 1), port})));
}

task<void> check_options(addr::socket_address at) {
    auto s = co_await tcp_stream::connect(at);
    EXPECT_TRUE(s);
    EXPECT_TRUE(s->set_nodelay(true));
    EXPECT_EQ(get_int_option(s->native_handle(), IPPROTO_TCP, TCP_NODELAY), 1);
    EXPECT_TRUE(s->set_keepalive(true, 30, 5, 3));
    EXPECT_EQ(get_int_option(s->native_handle(), SOL_SOCKET, SO_KEEPALIVE), 1);
    EXPECT_EQ(get_int_option(s->native_handle(), IPPROTO_TCP, TCP_KEEPIDLE), 30);
    EXPECT_EQ(get_int_option(s->native_handle(), IPPROTO_TCP, TCP_KEEPINTVL), 5);
    EXPECT_EQ(get_int_option(s->native_handle(), IPPROTO_TCP, TCP_KEEPCNT), 3);
    EXPECT_EQ(s->peer_address()->port(), at.port());
    EXPECT_TRUE(s->local_address()->address().is_v4());
}

TEST_P(tcp_extras, options_and_addresses) {
    auto l = tcp_listener::bind(the_loop(), *addr::socket_address::parse("127.0.0.1:0"));
    ASSERT_TRUE(l);
    the_loop().spawn(accept_n(*l, 1));
    the_loop().block_on(check_options(*l->local_address()));
}

task<void> throws_later() {
    co_await weft::io::sleep_for(std::chrono::milliseconds(1));
    throw std::runtime_error("handler bug");
}

task<int> still_running() {
    co_await weft::io::sleep_for(std::chrono::milliseconds(20));
    co_return 42;
}

TEST_P(tcp_extras, a_spawned_task_that_throws_is_logged_and_the_loop_goes_on) {
    ::testing::internal::CaptureStderr();
    the_loop().spawn(throws_later());
    EXPECT_EQ(the_loop().block_on(still_running()), 42);
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("handler bug"), std::string::npos) << err;
    EXPECT_EQ(the_loop().spawned(), 0u); // its frame was freed
}

} // namespace
