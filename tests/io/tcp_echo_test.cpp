#include "backends.hpp"

#include <weft/io/tcp.hpp>

#include <array>
#include <cstring>
#include <string>

using weft::task;
using weft::io::tcp_listener;
using weft::io::tcp_stream;
namespace addr = weft::addr;

namespace {

class tcp_echo : public weft::io::testing::on_each_backend {};
WEFT_ON_EACH_BACKEND(tcp_echo);

task<void> echo_one(tcp_listener& l) {
    auto c = co_await l.accept();
    EXPECT_TRUE(c) << c.error().message();
    std::array<std::byte, 1024> buf;
    while (true) {
        auto n = co_await c->read_some(buf);
        if (!n || *n == 0) {
            co_return;
        }
        auto w = co_await c->write_all(std::span(buf).first(*n));
        EXPECT_TRUE(w);
    }
}

task<std::string> client(addr::socket_address at, std::string message) {
    auto s = co_await tcp_stream::connect(at);
    EXPECT_TRUE(s) << s.error().message();
    if (!s) {
        co_return "";
    }
    co_await s->write_all(std::as_bytes(std::span(message)));
    s->shutdown();
    std::string back(message.size() + 10, '\0');
    auto n = co_await s->read(std::as_writable_bytes(std::span(back)));
    back.resize(n ? *n : 0);
    co_return back;
}

TEST_P(tcp_echo, echoes_over_ipv4_and_ipv6) {
    for (const char* where : {"127.0.0.1:0", "[::1]:0"}) {
        auto l = the_loop().block_on(
            [](const char* w) -> task<weft::expected<tcp_listener, std::error_code>> {
                co_return tcp_listener::bind(*addr::socket_address::parse(w));
            }(where));
        ASSERT_TRUE(l) << l.error().message();
        const auto at = *l->local_address();
        the_loop().spawn(echo_one(*l));
        EXPECT_EQ(the_loop().block_on(client(at, "hello, weft")), "hello, weft") << where;
    }
}

} // namespace
