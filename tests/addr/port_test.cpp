#include <weft/addr/port.hpp>

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <iterator>
#include <random>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace {

using weft::addr::parse_errc;
using weft::addr::port;
using weft::addr::port_class;
using weft::addr::port_range;

// The public API at compile time: sizes, traits, constexpr parse, ranges.
static_assert(sizeof(port) == 2);
static_assert(sizeof(port_range) == 4);
static_assert(std::is_trivially_copyable_v<port>);
static_assert(std::is_trivially_copyable_v<port_range>);
static_assert(std::regular<port> && std::totally_ordered<port>);
static_assert(std::regular<port_range> && std::totally_ordered<port_range>);
static_assert(!std::is_convertible_v<std::uint16_t, port>); // the constructor is explicit
static_assert(port{}.to_uint() == 0);
static_assert(port_range{}.first() == port(0) && port_range{}.last() == port(0));
static_assert(port::parse("443").value() == port(443));
static_assert(port::parse("65536").error().code == parse_errc::port_out_of_range);
static_assert(port_range::parse("8000-8080").value().size() == 81);
static_assert(port_range::parse("8080-8000").error().code == parse_errc::bad_range);
static_assert(noexcept(port::parse("1")) && noexcept(port_range::parse("1")));
static_assert(std::forward_iterator<port_range::iterator>);
static_assert(std::ranges::forward_range<port_range>);
static_assert(std::ranges::distance(port_range::parse("1-10").value()) == 10);
static_assert(port(22).is_system() && port(8080).is_user() && port(50000).is_dynamic());
static_assert(port::max_string_length == std::string_view("65535").size());
static_assert(port_range::max_string_length == std::string_view("65535-65535").size());

port_range range(std::uint16_t first, std::uint16_t last) {
    return port_range::make(port(first), port(last)).value();
}

TEST(port, parses_decimal) {
    struct row {
        std::string_view text;
        std::uint16_t value;
    };
    const row rows[] = {
        {"0", 0},         // "any port" to bind(2)
        {"1", 1},         // tcpmux
        {"80", 80},       // http
        {"443", 443},     // https
        {"1023", 1023},   // last system port
        {"1024", 1024},   // first user port
        {"49152", 49152}, // first dynamic port
        {"65535", 65535}, // the largest
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        const auto p = port::parse(r.text);
        ASSERT_TRUE(p.has_value());
        EXPECT_EQ(p->to_uint(), r.value);
    }
}

TEST(port, rejects_malformed_text) {
    struct row {
        std::string_view text;
        parse_errc code;
        std::uint32_t offset;
    };
    using enum parse_errc;
    const row rows[] = {
        {"", empty, 0},                                     // nothing at all
        {"65536", port_out_of_range, 0},                    // one past the largest
        {"99999", port_out_of_range, 0},                    // five digits, too big
        {"4294967296", port_out_of_range, 0},               // would wrap a 32-bit value
        {"99999999999999999999999", port_out_of_range, 0},  // would wrap a 64-bit value
        {"080", leading_zero, 0},                           // leading zero
        {"00", leading_zero, 0},                            // zero written twice
        {"-1", invalid_character, 0},                       // no sign
        {"+80", invalid_character, 0},                      // no plus sign
        {" 80", invalid_character, 0},                      // leading space
        {"80 ", invalid_character, 2},                      // trailing space
        {"8o", invalid_character, 1},                       // letter o for zero
        {"0x50", invalid_character, 1},                     // no hex
        {"80/tcp", invalid_character, 2},                   // a services field, not a port
        {":80", invalid_character, 0},                      // a socket-address suffix
        {"1-2", invalid_character, 1},                      // a range, not a port
        {"http", invalid_character, 0},                     // a service name
        {std::string_view("8\0", 2), invalid_character, 1}, // embedded NUL
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        const auto p = port::parse(r.text);
        ASSERT_FALSE(p.has_value()) << p->to_uint();
        EXPECT_EQ(p.error().code, r.code);
        EXPECT_EQ(p.error().offset, r.offset);
    }
}

TEST(port, round_trips_every_value) {
    for (std::uint32_t v = 0; v <= 65535; ++v) {
        const port p(static_cast<std::uint16_t>(v));
        char buf[port::max_string_length];
        const std::string_view text(buf, p.format_to(buf));
        ASSERT_EQ(text, std::to_string(v));
        ASSERT_EQ(port::parse(text).value(), p) << text;
    }
}

TEST(port, classifies_per_rfc_6335) {
    struct row {
        std::uint16_t value;
        port_class category;
    };
    using enum port_class;
    const row rows[] = {
        {0, system},      // first system port
        {22, system},     // ssh
        {1023, system},   // last system port
        {1024, user},     // first user port
        {8080, user},     // http-alt
        {49151, user},    // last user port
        {49152, dynamic}, // first dynamic port
        {65535, dynamic}, // last dynamic port
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.value);
        const port p(r.value);
        EXPECT_EQ(p.category(), r.category);
        EXPECT_EQ(p.is_system(), r.category == system);
        EXPECT_EQ(p.is_user(), r.category == user);
        EXPECT_EQ(p.is_dynamic(), r.category == dynamic);
    }
}

TEST(port, names_classes) {
    EXPECT_EQ(to_string(port_class::system), "system");   // 0..1023
    EXPECT_EQ(to_string(port_class::user), "user");       // 1024..49151
    EXPECT_EQ(to_string(port_class::dynamic), "dynamic"); // 49152..65535
}

TEST(port, orders_hashes_and_formats) {
    EXPECT_LT(port(80), port(443));
    std::unordered_set<port> set{port(80), port(443), port::parse("80").value()};
    EXPECT_EQ(set.size(), 2u);
    EXPECT_EQ(port(8080).to_string(), "8080");
    EXPECT_EQ(fmt::format("{}", port(443)), "443");
    EXPECT_EQ(fmt::format(":{:<5}|", port(80)), ":80   |");
}

TEST(port_range, parses_ranges_and_single_ports) {
    struct row {
        std::string_view text;
        std::uint16_t first;
        std::uint16_t last;
    };
    const row rows[] = {
        {"8000-8080", 8000, 8080},     // the usual
        {"80", 80, 80},                // a single port
        {"80-80", 80, 80},             // a single port written as a range
        {"0-65535", 0, 65535},         // every port
        {"0-0", 0, 0},                 // port 0 alone
        {"65535", 65535, 65535},       // the largest alone
        {"49152-65535", 49152, 65535}, // the dynamic ports
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        const auto pr = port_range::parse(r.text);
        ASSERT_TRUE(pr.has_value());
        EXPECT_EQ(pr->first(), port(r.first));
        EXPECT_EQ(pr->last(), port(r.last));
    }
}

TEST(port_range, rejects_malformed_text) {
    struct row {
        std::string_view text;
        parse_errc code;
        std::uint32_t offset;
    };
    using enum parse_errc;
    const row rows[] = {
        {"", empty, 0},                        // nothing at all
        {"-", empty_part, 0},                  // no bounds
        {"-80", empty_part, 0},                // no first bound
        {"-1", empty_part, 0},                 // not a negative port either
        {"80-", empty_part, 3},                // no last bound
        {"80--90", empty_part, 3},             // empty last bound
        {"8080-8000", bad_range, 4},           // first above last, offset of the '-'
        {"1-0", bad_range, 1},                 // the smallest backwards range
        {"1-2-3", too_many_parts, 3},          // three bounds
        {"80 - 90", invalid_character, 2},     // no spaces
        {" 80", invalid_character, 0},         // leading space
        {"80-65536", port_out_of_range, 3},    // last bound too big
        {"65536-65537", port_out_of_range, 0}, // first bound too big
        {"080-90", leading_zero, 0},           // leading zero in the first bound
        {"80-090", leading_zero, 3},           // leading zero in the last bound
        {"80-x", invalid_character, 3},        // letter in the last bound
        {"a-b", invalid_character, 0},         // letters
        {"80:90", invalid_character, 2},       // iptables' colon is not ours
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.text);
        const auto pr = port_range::parse(r.text);
        ASSERT_FALSE(pr.has_value()) << pr->to_string();
        EXPECT_EQ(pr.error().code, r.code);
        EXPECT_EQ(pr.error().offset, r.offset);
    }
}

TEST(port_range, make_rejects_first_above_last) {
    EXPECT_FALSE(port_range::make(port(2), port(1)).has_value());
    EXPECT_EQ(port_range::make(port(1), port(1)), port_range(port(1)));
}

TEST(port_range, contains_and_size) {
    struct row {
        port_range r;
        std::uint16_t probe;
        bool contains;
        std::uint32_t size;
    };
    const row rows[] = {
        {range(8000, 8080), 8000, true, 81},   // first bound is inside
        {range(8000, 8080), 8080, true, 81},   // last bound is inside
        {range(8000, 8080), 7999, false, 81},  // just below
        {range(8000, 8080), 8081, false, 81},  // just above
        {range(80, 80), 80, true, 1},          // a single port holds itself
        {range(80, 80), 81, false, 1},         // and nothing else
        {range(0, 65535), 0, true, 65536},     // every port: size exceeds uint16
        {range(0, 65535), 65535, true, 65536}, // every port holds the largest
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.r.to_string());
        EXPECT_EQ(r.r.contains(port(r.probe)), r.contains) << r.probe;
        EXPECT_EQ(r.r.size(), r.size);
    }
}

TEST(port_range, iterates_in_order) {
    std::vector<std::uint16_t> seen;
    for (const port p : range(65530, 65535)) {
        seen.push_back(p.to_uint());
    }
    EXPECT_EQ(seen, (std::vector<std::uint16_t>{65530, 65531, 65532, 65533, 65534, 65535}));

    const auto all = range(0, 65535);
    EXPECT_EQ(static_cast<std::uint32_t>(std::ranges::distance(all)), all.size());
    EXPECT_EQ(*all.begin(), port(0));
    EXPECT_EQ(std::ranges::count_if(all, [](port p) { return p.is_system(); }), 1024);
}

TEST(port_range, formats_single_ports_alone) {
    struct row {
        port_range r;
        std::string_view text;
    };
    const row rows[] = {
        {range(8000, 8080), "8000-8080"},     // a range
        {range(80, 80), "80"},                // a single port, no dash
        {range(0, 65535), "0-65535"},         // every port
        {range(65535, 65535), "65535"},       // the largest alone
        {range(10000, 65535), "10000-65535"}, // the longest form
    };
    for (const auto& r : rows) {
        EXPECT_EQ(r.r.to_string(), r.text);
        EXPECT_EQ(fmt::format("{}", r.r), r.text);
    }
}

TEST(port_range, round_trips_random_ranges) {
    std::mt19937 rng(6335);
    std::uniform_int_distribution<std::uint32_t> any(0, 65535);
    for (int i = 0; i < 100000; ++i) {
        auto a = static_cast<std::uint16_t>(any(rng));
        auto b = static_cast<std::uint16_t>(i % 4 == 0 ? a : any(rng)); // some single ports
        if (a > b) {
            std::swap(a, b);
        }
        const auto r = range(a, b);
        char buf[port_range::max_string_length];
        const std::string_view text(buf, r.format_to(buf));
        ASSERT_EQ(port_range::parse(text).value(), r) << text;
    }
}

TEST(port_range, orders_and_hashes) {
    EXPECT_LT(range(1, 5), range(2, 3)); // by first bound
    EXPECT_LT(range(1, 5), range(1, 6)); // then by last bound
    std::unordered_set<port_range> set{range(1, 2), port_range::parse("1-2").value(), range(2, 3)};
    EXPECT_EQ(set.size(), 2u);
}

} // namespace
