#include <weft/addr/ipv6_address.hpp>
#include <weft/addr/mac_address.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>

#include <fmt/format.h>
#include <gtest/gtest.h>

// Readable failure messages: gtest finds these by ADL.
namespace weft::addr {
void PrintTo(const mac_address& m, std::ostream* os) {
    *os << m.to_string();
}
void PrintTo(const eui64& e, std::ostream* os) {
    *os << e.to_string();
}
} // namespace weft::addr

namespace {

using weft::addr::any_mac;
using weft::addr::eui64;
using weft::addr::mac_address;
using weft::addr::mac_case;
using weft::addr::mac_format;
using weft::addr::parse_errc;
using weft::addr::parse_mac;

// Sizes and traits (STYLE.md 2.5): plain six- and eight-byte values.
static_assert(sizeof(mac_address) == 6);
static_assert(sizeof(eui64) == 8);
static_assert(sizeof(any_mac) == 9);
static_assert(alignof(mac_address) == 1);
static_assert(std::is_trivially_copyable_v<mac_address>);
static_assert(std::is_trivially_copyable_v<eui64>);
static_assert(std::is_trivially_copyable_v<any_mac>);
static_assert(std::is_nothrow_default_constructible_v<mac_address>);
static_assert(std::is_nothrow_default_constructible_v<eui64>);
static_assert(std::is_standard_layout_v<mac_address>);
static_assert(noexcept(mac_address::parse("")));
static_assert(noexcept(eui64::parse("")));
static_assert(noexcept(parse_mac("")));
static_assert(noexcept(std::declval<mac_address>().format_to(std::span<char>{})));
static_assert(std::is_same_v<decltype(std::declval<mac_address>().to_eui64()), eui64>);

// Parsing is constexpr, so a literal can be checked at compile time.
static_assert((*mac_address::parse("01:23:45:67:89:ab")).to_uint() == 0x0123'4567'89abull);
static_assert(mac_address::parse("0123.4567.89AB") == mac_address(1, 0x23, 0x45, 0x67, 0x89, 0xab));
static_assert(!mac_address::parse("01:23-45:67:89:ab").has_value());
static_assert((*eui64::parse("01-23-45-67-89-ab-cd-ef")).to_uint() == 0x0123'4567'89ab'cdefull);
static_assert((*parse_mac("0123456789abcdef")).is_eui64());
static_assert(!(*parse_mac("0123456789ab")).is_eui64());
static_assert(mac_address() == mac_address::from_uint(0));
static_assert(mac_address(0, 0, 0x5e, 0, 0x53, 1).modified_interface_id() ==
              0x0200'5eff'fe00'5301ull);
static_assert(mac_address::broadcast().is_broadcast() && mac_address::broadcast().is_multicast());
static_assert(mac_address::from_uint(1) < mac_address::from_uint(0x0100'0000'0000ull));

struct accept_row {
    std::string_view text;
    std::uint64_t value;
    const char* why;
};

struct reject_row {
    std::string_view text;
    parse_errc code;
    std::uint32_t offset;
    const char* why;
};

template <class T> void expect_accepts(std::span<const accept_row> rows) {
    for (const auto& row : rows) {
        SCOPED_TRACE(testing::Message() << '"' << row.text << "\": " << row.why);
        const auto r = T::parse(row.text);
        ASSERT_TRUE(r.has_value())
            << "code " << static_cast<int>(r.error().code) << " at " << r.error().offset;
        EXPECT_EQ(r->to_uint(), row.value);
    }
}

template <class T> void expect_rejects(std::span<const reject_row> rows) {
    for (const auto& row : rows) {
        SCOPED_TRACE(testing::Message() << '"' << row.text << "\": " << row.why);
        const auto r = T::parse(row.text);
        ASSERT_FALSE(r.has_value()) << "parsed as " << r->to_string();
        EXPECT_EQ(static_cast<int>(r.error().code), static_cast<int>(row.code));
        EXPECT_EQ(r.error().offset, row.offset);
    }
}

// ---------------------------------------------------------------------------------------------
// mac_address: accepted forms

TEST(mac_address, parses_colon_form) {
    const accept_row rows[] = {
        {"01:23:45:67:89:ab", 0x0123'4567'89ab, "lower case"},
        {"01:23:45:67:89:AB", 0x0123'4567'89ab, "upper case"},
        {"01:23:45:67:89:aB", 0x0123'4567'89ab, "mixed case within a group"},
        {"00:00:5e:00:53:01", 0x0000'5e00'5301, "RFC 7042 documentation address"},
        {"00:00:00:00:00:00", 0, "all zeros"},
        {"ff:ff:ff:ff:ff:ff", 0xffff'ffff'ffff, "broadcast"},
        {"FF:FF:FF:FF:FF:FF", 0xffff'ffff'ffff, "broadcast, upper case"},
        {"0a:0b:0c:0d:0e:0f", 0x0a0b'0c0d'0e0f, "leading zero digits are required, not rejected"},
    };
    expect_accepts<mac_address>(rows);
}

TEST(mac_address, parses_hyphen_form) {
    const accept_row rows[] = {
        {"01-23-45-67-89-AB", 0x0123'4567'89ab, "IEEE canonical, upper case"},
        {"01-23-45-67-89-ab", 0x0123'4567'89ab, "lower case"},
        {"00-00-5E-00-53-FF", 0x0000'5e00'53ff, "last RFC 7042 documentation address"},
        {"33-33-00-00-00-01", 0x3333'0000'0001, "IPv6 all-nodes multicast (RFC 2464 §7)"},
    };
    expect_accepts<mac_address>(rows);
}

TEST(mac_address, parses_cisco_dot_form) {
    const accept_row rows[] = {
        {"0123.4567.89ab", 0x0123'4567'89ab, "lower case"},
        {"0123.4567.89AB", 0x0123'4567'89ab, "upper case"},
        {"0000.5e00.5301", 0x0000'5e00'5301, "documentation address"},
        {"ffff.ffff.ffff", 0xffff'ffff'ffff, "broadcast"},
    };
    expect_accepts<mac_address>(rows);
}

TEST(mac_address, parses_bare_form) {
    const accept_row rows[] = {
        {"0123456789ab", 0x0123'4567'89ab, "lower case"},
        {"0123456789AB", 0x0123'4567'89ab, "upper case"},
        {"000000000000", 0, "all zeros"},
        {"FFFFFFFFFFFF", 0xffff'ffff'ffff, "broadcast"},
    };
    expect_accepts<mac_address>(rows);
}

// ---------------------------------------------------------------------------------------------
// mac_address: rejections, with the code and byte offset

TEST(mac_address, rejects_empty_input) {
    const reject_row rows[] = {
        {"", parse_errc::empty, 0, "nothing at all"},
    };
    expect_rejects<mac_address>(rows);
}

TEST(mac_address, rejects_mixed_separators) {
    const reject_row rows[] = {
        {"01:23-45:67:89:ab", parse_errc::mixed_separators, 5, "'-' after ':'"},
        {"01-23-45-67-89:ab", parse_errc::mixed_separators, 14, "':' in the last place"},
        {"01:23:45:67:89-ab", parse_errc::mixed_separators, 14, "'-' in the last place"},
        {"0123.4567:89ab", parse_errc::mixed_separators, 9, "':' after Cisco '.'"},
        {"01:23.45:67:89:ab", parse_errc::mixed_separators, 5, "'.' after ':'"},
        {"01:-23:45:67:89:ab", parse_errc::mixed_separators, 3, "two separators, different"},
    };
    expect_rejects<mac_address>(rows);
}

TEST(mac_address, rejects_wrong_bare_length) {
    const reject_row rows[] = {
        {"0", parse_errc::wrong_length, 1, "one digit: ends early"},
        {"0123456789a", parse_errc::wrong_length, 11, "11 digits: ends early"},
        {"0123456789abc", parse_errc::wrong_length, 12, "13 digits: the 13th is extra"},
        {"0123456789abcdef", parse_errc::wrong_length, 12, "an EUI-64 is not an EUI-48"},
        {"0123456789abcdef0123", parse_errc::wrong_length, 12, "20 digits"},
    };
    expect_rejects<mac_address>(rows);
}

TEST(mac_address, rejects_bad_hex_digits) {
    const reject_row rows[] = {
        {"g1:23:45:67:89:ab", parse_errc::invalid_character, 0, "'g' first"},
        {"01:23:45:6g:89:ab", parse_errc::invalid_character, 10, "'g' inside a group"},
        {"01:23:45:67:89:ax", parse_errc::invalid_character, 16, "'x' in the last group"},
        {"0123456789aZ", parse_errc::invalid_character, 11, "'Z' in the bare form"},
        {"0123.45x7.89ab", parse_errc::invalid_character, 7, "'x' in a dot group"},
        {"0x0123456789ab", parse_errc::invalid_character, 1, "no 0x prefix"},
        {"01 23 45 67 89 ab", parse_errc::invalid_character, 2, "space is not a separator"},
        {"01_23_45_67_89_ab", parse_errc::invalid_character, 2, "'_' is not a separator"},
        {"01:23:45:67:89:\xc3\xa9", parse_errc::invalid_character, 15, "non-ASCII byte"},
        {std::string_view("01:23\0:45:67:89:ab", 18), parse_errc::invalid_character, 5,
         "embedded NUL"},
    };
    expect_rejects<mac_address>(rows);
}

TEST(mac_address, rejects_wrong_group_count) {
    const reject_row rows[] = {
        {"01:23:45:67:89", parse_errc::too_few_parts, 14, "five groups"},
        {"01", parse_errc::wrong_length, 2, "one group is a short bare form"},
        {"01:23", parse_errc::too_few_parts, 5, "two groups"},
        {"01:23:45:67:89:ab:cd:ef", parse_errc::too_many_parts, 18, "an EUI-64 has eight"},
        {"01:23:45:67:89:ab:cd", parse_errc::too_many_parts, 18, "seven groups"},
        {"0123.4567", parse_errc::too_few_parts, 9, "two dot groups"},
        {"0123.4567.89ab.cdef", parse_errc::too_many_parts, 15, "four dot groups"},
    };
    expect_rejects<mac_address>(rows);
}

TEST(mac_address, rejects_groups_of_the_wrong_width) {
    const reject_row rows[] = {
        {"1:23:45:67:89:ab", parse_errc::octet_too_short, 0, "one digit, cut short by ':'"},
        {"01:23:45:67:89:a", parse_errc::octet_too_short, 15, "last group ends early"},
        {"01:234:45:67:89:ab", parse_errc::part_too_long, 3, "three digits"},
        {"001:23:45:67:89:ab", parse_errc::part_too_long, 0, "three digits first"},
        {"0123:4567:89ab", parse_errc::part_too_long, 0, "dot groups with colons"},
        {"01.23.45.67.89.ab", parse_errc::group_too_short, 0, "colon groups with dots"},
        {"0123.456.789ab", parse_errc::group_too_short, 5, "three-digit dot group"},
        {"0123.4567.89abc", parse_errc::part_too_long, 10, "five-digit dot group"},
        {"0123456789ab:cd", parse_errc::part_too_long, 0, "a bare form then more"},
    };
    expect_rejects<mac_address>(rows);
}

TEST(mac_address, rejects_empty_groups) {
    const reject_row rows[] = {
        {"01::23:45:67:89", parse_errc::empty_part, 3, "two colons"},
        {":01:23:45:67:89", parse_errc::empty_part, 0, "leading colon"},
        {"-01-23-45-67-89", parse_errc::empty_part, 0, "leading hyphen"},
        {"0123..4567.89ab", parse_errc::empty_part, 5, "two dots"},
        {":", parse_errc::empty_part, 0, "a colon alone"},
        {"01:23:45:67:89:", parse_errc::too_few_parts, 15, "trailing colon: input ends"},
    };
    expect_rejects<mac_address>(rows);
}

TEST(mac_address, rejects_trailing_characters) {
    const reject_row rows[] = {
        {"01:23:45:67:89:ab ", parse_errc::invalid_character, 17, "trailing space"},
        {" 01:23:45:67:89:ab", parse_errc::invalid_character, 0, "leading space"},
        {"01:23:45:67:89:ab\n", parse_errc::invalid_character, 17, "trailing newline"},
        {"01:23:45:67:89:ab:", parse_errc::too_many_parts, 18, "trailing separator"},
        {"01:23:45:67:89:abc", parse_errc::part_too_long, 15, "an extra digit"},
        {"0123.4567.89ab/24", parse_errc::invalid_character, 14, "a prefix length"},
        {"0123456789ab%eth0", parse_errc::invalid_character, 12, "a zone"},
    };
    expect_rejects<mac_address>(rows);
}

TEST(mac_address, parse_is_pure) {
    const std::string_view inputs[] = {"01:23:45:67:89:ab", "01:23-45:67:89:ab", ""};
    for (const auto text : inputs) {
        EXPECT_EQ(mac_address::parse(text), mac_address::parse(text)) << text;
    }
}

// ---------------------------------------------------------------------------------------------
// eui64

TEST(eui64, parses_every_form) {
    const accept_row rows[] = {
        {"01:23:45:67:89:ab:cd:ef", 0x0123'4567'89ab'cdef, "colon, lower case"},
        {"01:23:45:67:89:AB:CD:EF", 0x0123'4567'89ab'cdef, "colon, upper case"},
        {"01-23-45-67-89-AB-CD-EF", 0x0123'4567'89ab'cdef, "hyphen (RFC 7042 §2.2)"},
        {"0123.4567.89ab.cdef", 0x0123'4567'89ab'cdef, "Cisco dot"},
        {"0123456789abcdef", 0x0123'4567'89ab'cdef, "bare"},
        {"0123456789ABCDEF", 0x0123'4567'89ab'cdef, "bare, upper case"},
        {"00-00-5E-EF-10-00-00-00", 0x0000'5eef'1000'0000, "RFC 7042 documentation EUI-64"},
        {"ff:ff:ff:ff:ff:ff:ff:ff", ~std::uint64_t{0}, "all ones"},
        {"00:00:00:00:00:00:00:00", 0, "all zeros"},
    };
    expect_accepts<eui64>(rows);
}

TEST(eui64, rejects_malformed_text) {
    const reject_row rows[] = {
        {"", parse_errc::empty, 0, "nothing at all"},
        {"01:23:45:67:89:ab", parse_errc::too_few_parts, 17, "an EUI-48 has six groups"},
        {"01:23:45:67:89:ab:cd", parse_errc::too_few_parts, 20, "seven groups"},
        {"01:23:45:67:89:ab:cd:ef:01", parse_errc::too_many_parts, 24, "nine groups"},
        {"0123.4567.89ab", parse_errc::too_few_parts, 14, "three dot groups"},
        {"0123.4567.89ab.cdef.0123", parse_errc::too_many_parts, 20, "five dot groups"},
        {"0123456789ab", parse_errc::wrong_length, 12, "12 bare digits"},
        {"0123456789abcde", parse_errc::wrong_length, 15, "15 bare digits"},
        {"0123456789abcdef0", parse_errc::wrong_length, 16, "17 bare digits"},
        {"01:23:45:67-89:ab:cd:ef", parse_errc::mixed_separators, 11, "'-' among ':'"},
        {"0123.4567.89ab-cdef", parse_errc::mixed_separators, 14, "'-' among '.'"},
        {"01:23:45:67:89:ab:cd:eg", parse_errc::invalid_character, 22, "bad hex last"},
        {"01:23:45:67:89:ab:cd:efa", parse_errc::part_too_long, 21, "three digits last"},
        {"01:23:45:67:89:ab:cd:ef ", parse_errc::invalid_character, 23, "trailing space"},
        {"01:23:45:67:89:ab:cd:", parse_errc::too_few_parts, 21, "trailing colon"},
    };
    expect_rejects<eui64>(rows);
}

// ---------------------------------------------------------------------------------------------
// parse_mac: either length

TEST(parse_mac, returns_the_kind_the_text_has) {
    struct row {
        std::string_view text;
        bool is_eui64;
        std::uint64_t value;
        const char* why;
    };
    const row rows[] = {
        {"01:23:45:67:89:ab", false, 0x0123'4567'89ab, "six colon groups"},
        {"01-23-45-67-89-ab", false, 0x0123'4567'89ab, "six hyphen groups"},
        {"0123.4567.89ab", false, 0x0123'4567'89ab, "three dot groups"},
        {"0123456789ab", false, 0x0123'4567'89ab, "12 bare digits"},
        {"01:23:45:67:89:ab:cd:ef", true, 0x0123'4567'89ab'cdef, "eight colon groups"},
        {"01-23-45-67-89-ab-cd-ef", true, 0x0123'4567'89ab'cdef, "eight hyphen groups"},
        {"0123.4567.89ab.cdef", true, 0x0123'4567'89ab'cdef, "four dot groups"},
        {"0123456789abcdef", true, 0x0123'4567'89ab'cdef, "16 bare digits"},
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(testing::Message() << '"' << r.text << "\": " << r.why);
        const auto m = parse_mac(r.text);
        ASSERT_TRUE(m.has_value());
        ASSERT_EQ(m->is_eui64(), r.is_eui64);
        EXPECT_EQ(m->octets(), r.is_eui64 ? 8u : 6u);
        EXPECT_EQ(m->to_uint(), r.value);
        EXPECT_EQ(m->visit([](auto x) { return x.to_uint(); }), r.value);
        EXPECT_EQ(m->as_eui64().has_value(), r.is_eui64);
        EXPECT_EQ(m->as_mac_address().has_value(), !r.is_eui64);
    }
}

TEST(parse_mac, rejects_lengths_between_the_two) {
    const reject_row rows[] = {
        {"", parse_errc::empty, 0, "nothing at all"},
        {"01:23:45:67:89", parse_errc::too_few_parts, 14, "five groups"},
        {"01:23:45:67:89:ab:cd", parse_errc::too_many_parts, 18, "seven groups: one too many"},
        {"01:23:45:67:89:ab:", parse_errc::too_few_parts, 18, "six groups and a colon"},
        {"01:23:45:67:89:ab:cd:ef:01", parse_errc::too_many_parts, 24, "nine groups"},
        {"0123.4567.89ab.cdef.0123", parse_errc::too_many_parts, 20, "five dot groups"},
        {"0123456789abc", parse_errc::wrong_length, 13, "13 bare digits"},
        {"0123456789abcde", parse_errc::wrong_length, 15, "15 bare digits"},
        {"0123456789abcdef01", parse_errc::wrong_length, 16, "18 bare digits"},
        {"01:23:45:67:89:ab-cd:ef", parse_errc::mixed_separators, 17, "mixed after six"},
        {"01:23:45:67:89:zz", parse_errc::invalid_character, 15, "bad hex"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(testing::Message() << '"' << row.text << "\": " << row.why);
        const auto r = parse_mac(row.text);
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(static_cast<int>(r.error().code), static_cast<int>(row.code));
        EXPECT_EQ(r.error().offset, row.offset);
    }
}

// ---------------------------------------------------------------------------------------------
// Formatting

TEST(mac_address, formats_every_style_and_case) {
    const auto m = mac_address(0x01, 0x23, 0x45, 0x67, 0x89, 0xab);
    struct row {
        mac_format style;
        mac_case letters;
        std::string_view text;
        const char* why;
    };
    const row rows[] = {
        {mac_format::colon, mac_case::lower, "01:23:45:67:89:ab", "the default"},
        {mac_format::colon, mac_case::upper, "01:23:45:67:89:AB", "colon, upper"},
        {mac_format::hyphen, mac_case::lower, "01-23-45-67-89-ab", "hyphen, lower"},
        {mac_format::hyphen, mac_case::upper, "01-23-45-67-89-AB", "IEEE canonical"},
        {mac_format::dot, mac_case::lower, "0123.4567.89ab", "Cisco"},
        {mac_format::dot, mac_case::upper, "0123.4567.89AB", "Cisco, upper"},
        {mac_format::bare, mac_case::lower, "0123456789ab", "bare"},
        {mac_format::bare, mac_case::upper, "0123456789AB", "bare, upper"},
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.why);
        EXPECT_EQ(m.to_string(r.style, r.letters), r.text);
        char buf[mac_address::max_string_length];
        const std::size_t n = m.format_to(buf, r.style, r.letters);
        EXPECT_EQ(std::string_view(buf, n), r.text);
        EXPECT_EQ(n, mac_address::string_length(r.style));
    }
    EXPECT_EQ(m.to_string(), "01:23:45:67:89:ab");
}

TEST(eui64, formats_every_style_and_case) {
    const auto e = eui64(0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef);
    struct row {
        mac_format style;
        mac_case letters;
        std::string_view text;
        const char* why;
    };
    const row rows[] = {
        {mac_format::colon, mac_case::lower, "01:23:45:67:89:ab:cd:ef", "the default"},
        {mac_format::colon, mac_case::upper, "01:23:45:67:89:AB:CD:EF", "colon, upper"},
        {mac_format::hyphen, mac_case::lower, "01-23-45-67-89-ab-cd-ef", "hyphen, lower"},
        {mac_format::hyphen, mac_case::upper, "01-23-45-67-89-AB-CD-EF", "RFC 7042 form"},
        {mac_format::dot, mac_case::lower, "0123.4567.89ab.cdef", "Cisco"},
        {mac_format::dot, mac_case::upper, "0123.4567.89AB.CDEF", "Cisco, upper"},
        {mac_format::bare, mac_case::lower, "0123456789abcdef", "bare"},
        {mac_format::bare, mac_case::upper, "0123456789ABCDEF", "bare, upper"},
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.why);
        EXPECT_EQ(e.to_string(r.style, r.letters), r.text);
        char buf[eui64::max_string_length];
        const std::size_t n = e.format_to(buf, r.style, r.letters);
        EXPECT_EQ(std::string_view(buf, n), r.text);
        EXPECT_EQ(n, eui64::string_length(r.style));
    }
}

TEST(mac_address, format_to_a_short_buffer_writes_nothing) {
    const auto m = mac_address::broadcast();
    std::array<char, 17> buf{};
    buf.fill('#');
    EXPECT_EQ(m.format_to(std::span(buf).first(16), mac_format::colon), 0u); // needs 17
    EXPECT_EQ(m.format_to(std::span(buf).first(13), mac_format::dot), 0u);   // needs 14
    EXPECT_EQ(m.format_to(std::span(buf).first(11), mac_format::bare), 0u);  // needs 12
    EXPECT_EQ(m.format_to(std::span(buf).first(0)), 0u);                     // empty span
    EXPECT_EQ(std::string_view(buf.data(), buf.size()), std::string(17, '#'));
    EXPECT_EQ(m.format_to(std::span(buf).first(12), mac_format::bare), 12u); // exactly enough
    EXPECT_EQ(eui64().format_to(std::span(buf).first(17), mac_format::colon), 0u);
}

TEST(mac_address, formats_with_fmt) {
    const auto m = mac_address(0, 0, 0x5e, 0, 0x53, 1);
    EXPECT_EQ(fmt::format("{}", m), "00:00:5e:00:53:01");           // default style
    EXPECT_EQ(fmt::format("[{:>19}]", m), "[  00:00:5e:00:53:01]"); // string width applies
    EXPECT_EQ(fmt::format("{}", m.to_eui64()), "00:00:5e:ff:fe:00:53:01");
}

TEST(mac_address, round_trips_every_style_over_random_values) {
    std::mt19937_64 rng(20240611); // fixed seed: a failure can be replayed
    constexpr mac_format styles[] = {mac_format::colon, mac_format::hyphen, mac_format::dot,
                                     mac_format::bare};
    constexpr mac_case cases[] = {mac_case::lower, mac_case::upper};
    for (int i = 0; i < 5000; ++i) {
        const auto m = mac_address::from_uint(rng());
        const auto e = eui64::from_uint(rng());
        for (const auto style : styles) {
            for (const auto letters : cases) {
                const std::string ms = m.to_string(style, letters);
                const std::string es = e.to_string(style, letters);
                ASSERT_EQ(mac_address::parse(ms), m) << ms;
                ASSERT_EQ(eui64::parse(es), e) << es;
                ASSERT_EQ(parse_mac(ms), any_mac(m)) << ms;
                ASSERT_EQ(parse_mac(es), any_mac(e)) << es;
            }
        }
    }
}

TEST(mac_address, round_trips_bytes_and_uint) {
    const mac_address::bytes_type b{0xde, 0xad, 0xbe, 0xef, 0x00, 0x01};
    const auto m = mac_address::from_bytes(b);
    EXPECT_EQ(m.to_bytes(), b);                        // bytes in, bytes out
    EXPECT_EQ(m.to_uint(), 0xdead'beef'0001u);         // octet 0 most significant
    EXPECT_EQ(m[0], 0xde);                             // indexing
    EXPECT_EQ(mac_address::from_uint(m.to_uint()), m); // uint round trip
    EXPECT_EQ(mac_address::from_uint(0xffff'0000'0000'0001ull).to_uint(), 1u); // high bits drop
    const eui64::bytes_type eb{1, 2, 3, 4, 5, 6, 7, 8};
    EXPECT_EQ(eui64::from_bytes(eb).to_bytes(), eb);
    EXPECT_EQ(eui64::from_bytes(eb).to_uint(), 0x0102'0304'0506'0708u);
    EXPECT_EQ(eui64::from_uint(0x0102'0304'0506'0708u), eui64::from_bytes(eb));
}

// ---------------------------------------------------------------------------------------------
// Predicates (IEEE 802-2014 §8.2 and §8.4, RFC 7042 §2.1)

TEST(mac_address, classifies_by_the_ig_and_ul_bits) {
    struct row {
        std::string_view text;
        bool multicast;
        bool local;
        bool broadcast;
        const char* why;
    };
    const row rows[] = {
        {"00:00:5e:00:53:01", false, false, false, "universal unicast (IANA OUI)"},
        {"01:00:5e:00:00:01", true, false, false, "IPv4 multicast (RFC 1112 §6.4)"},
        {"33:33:00:00:00:01", true, true, false, "IPv6 multicast (RFC 2464 §7)"},
        {"02:00:00:00:00:01", false, true, false, "locally administered unicast"},
        {"03:00:00:00:00:01", true, true, false, "locally administered multicast"},
        {"ff:ff:ff:ff:ff:ff", true, true, true, "broadcast"},
        {"ff:ff:ff:ff:ff:fe", true, true, false, "one bit short of broadcast"},
        {"00:00:00:00:00:00", false, false, false, "all zeros"},
        {"fe:ff:ff:ff:ff:ff", false, true, false, "I/G clear, everything else set"},
        {"fd:ff:ff:ff:ff:ff", true, false, false, "U/L clear, everything else set"},
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(testing::Message() << r.text << ": " << r.why);
        const auto m = mac_address::parse(r.text).value();
        EXPECT_EQ(m.is_multicast(), r.multicast);
        EXPECT_EQ(m.is_unicast(), !r.multicast);
        EXPECT_EQ(m.is_local(), r.local);
        EXPECT_EQ(m.is_universal(), !r.local);
        EXPECT_EQ(m.is_broadcast(), r.broadcast);
    }
}

TEST(eui64, classifies_by_the_ig_and_ul_bits) {
    struct row {
        std::string_view text;
        bool multicast;
        bool local;
        bool broadcast;
        const char* why;
    };
    const row rows[] = {
        {"00:00:5e:ef:10:00:00:01", false, false, false, "universal unicast"},
        {"01:00:5e:ef:10:00:00:01", true, false, false, "RFC 7042 documentation multicast"},
        {"02:00:00:00:00:00:00:01", false, true, false, "local unicast"},
        {"ff:ff:ff:ff:ff:ff:ff:ff", true, true, true, "all ones"},
        {"ff:ff:ff:ff:ff:ff:00:00", true, true, false, "not all ones"},
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(testing::Message() << r.text << ": " << r.why);
        const auto e = eui64::parse(r.text).value();
        EXPECT_EQ(e.is_multicast(), r.multicast);
        EXPECT_EQ(e.is_unicast(), !r.multicast);
        EXPECT_EQ(e.is_local(), r.local);
        EXPECT_EQ(e.is_universal(), !r.local);
        EXPECT_EQ(e.is_broadcast(), r.broadcast);
    }
}

TEST(mac_address, reports_the_oui) {
    struct row {
        std::string_view text;
        std::uint32_t oui;
        mac_format style;
        mac_case letters;
        std::string_view oui_text;
        const char* why;
    };
    const row rows[] = {
        {"00:00:5e:00:53:01", 0x00005e, mac_format::colon, mac_case::lower, "00:00:5e", "IANA"},
        {"00:00:5e:00:53:01", 0x00005e, mac_format::hyphen, mac_case::upper, "00-00-5E",
         "as the IEEE registry writes it"},
        {"00:1b:21:3a:4f:5c", 0x001b21, mac_format::bare, mac_case::lower, "001b21", "bare"},
        {"ac:de:48:00:11:22", 0xacde48, mac_format::dot, mac_case::lower, "ac:de:48",
         "dot has no OUI grouping: colon"},
        {"ff:ff:ff:ff:ff:ff", 0xffffff, mac_format::colon, mac_case::upper, "FF:FF:FF", "ones"},
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(testing::Message() << r.text << ": " << r.why);
        const auto m = mac_address::parse(r.text).value();
        EXPECT_EQ(m.oui(), r.oui);
        EXPECT_EQ(m.oui_to_string(r.style, r.letters), r.oui_text);
        EXPECT_EQ(m.to_eui64().oui(), r.oui);
        EXPECT_EQ(m.to_eui64().oui_to_string(r.style, r.letters), r.oui_text);
    }
    char small[7];
    EXPECT_EQ(mac_address().oui_format_to(small), 0u); // "00:00:00" needs 8
    EXPECT_EQ(mac_address().oui_format_to(small, mac_format::bare), 6u);
}

// ---------------------------------------------------------------------------------------------
// Modified EUI-64 interface identifiers (RFC 4291 Appendix A, RFC 2464 §4-5)

TEST(mac_address, makes_modified_eui64_interface_ids) {
    struct row {
        std::string_view mac;
        std::string_view eui;
        std::uint64_t id;
        std::string_view link_local;
        const char* why;
    };
    const row rows[] = {
        {"34-56-78-9A-BC-DE", "34:56:78:ff:fe:9a:bc:de", 0x3656'78ff'fe9a'bcde,
         "fe80::3656:78ff:fe9a:bcde", "the example of RFC 2464 §4"},
        {"00:00:5e:00:53:01", "00:00:5e:ff:fe:00:53:01", 0x0200'5eff'fe00'5301,
         "fe80::200:5eff:fe00:5301", "RFC 7042 documentation address: U/L 0 -> 1"},
        {"02:00:00:00:00:42", "02:00:00:ff:fe:00:00:42", 0x0000'00ff'fe00'0042, "fe80::ff:fe00:42",
         "locally administered: U/L 1 -> 0"},
        {"01:00:5e:00:00:01", "01:00:5e:ff:fe:00:00:01", 0x0300'5eff'fe00'0001,
         "fe80::300:5eff:fe00:1", "I/G bit is carried over unchanged"},
        {"00:00:00:00:00:00", "00:00:00:ff:fe:00:00:00", 0x0200'00ff'fe00'0000,
         "fe80::200:ff:fe00:0", "all zeros"},
        {"ff:ff:ff:ff:ff:ff", "ff:ff:ff:ff:fe:ff:ff:ff", 0xfdff'ffff'feff'ffff,
         "fe80::fdff:ffff:feff:ffff", "all ones"},
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(testing::Message() << r.mac << ": " << r.why);
        const auto m = mac_address::parse(r.mac).value();
        EXPECT_EQ(m.to_eui64(), eui64::parse(r.eui).value());
        EXPECT_EQ(m.modified_interface_id(), r.id);
        EXPECT_EQ(m.to_eui64().modified_interface_id(), r.id);
        const auto ll = weft::addr::ipv6_address::parse(r.link_local).value();
        EXPECT_EQ(m.ipv6_link_local(), ll);
        EXPECT_EQ(m.ipv6_link_local().high_bits(), 0xfe80'0000'0000'0000u);
        EXPECT_EQ(m.ipv6_link_local().low_bits(), r.id);
        EXPECT_FALSE(m.ipv6_link_local().has_zone());
        // And back: the interface identifier gives the EUI-64, and that the MAC.
        EXPECT_EQ(eui64::from_modified_interface_id(r.id), m.to_eui64());
        EXPECT_EQ(m.to_eui64().to_mac_address(), m);
    }
}

TEST(eui64, makes_modified_interface_ids) {
    struct row {
        std::string_view eui;
        std::uint64_t id;
        std::string_view link_local;
        const char* why;
    };
    const row rows[] = {
        {"00-00-5E-EF-10-00-00-01", 0x0200'5eef'1000'0001, "fe80::200:5eef:1000:1",
         "universal: U/L 0 -> 1 (RFC 4291 Appendix A)"},
        {"02:00:00:00:00:00:00:01", 0x0000'0000'0000'0001, "fe80::1",
         "local ::1 stays short, the reason for the inversion"},
        {"12:34:56:78:9a:bc:de:f0", 0x1034'5678'9abc'def0, "fe80::1034:5678:9abc:def0",
         "U/L 1 -> 0"},
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(testing::Message() << r.eui << ": " << r.why);
        const auto e = eui64::parse(r.eui).value();
        EXPECT_EQ(e.modified_interface_id(), r.id);
        EXPECT_EQ(e.ipv6_link_local(), weft::addr::ipv6_address::parse(r.link_local).value());
        EXPECT_EQ(eui64::from_modified_interface_id(r.id), e);
        EXPECT_FALSE(e.to_mac_address().has_value()); // octets 3-4 are not ff:fe
    }
}

// ---------------------------------------------------------------------------------------------
// Comparison and hashing

TEST(mac_address, orders_numerically) {
    const mac_address sorted[] = {
        mac_address::from_uint(0),                // zero first
        mac_address::from_uint(1),                // last octet
        mac_address::from_uint(0x100),            // second to last octet
        mac_address::from_uint(0x0000'5e00'5301), // IANA
        mac_address::from_uint(0x0100'0000'0000), // first octet dominates
        mac_address::broadcast(),                 // all ones last
    };
    for (std::size_t i = 0; i + 1 < std::size(sorted); ++i) {
        EXPECT_LT(sorted[i], sorted[i + 1]) << i;
        EXPECT_LT(sorted[i].to_uint(), sorted[i + 1].to_uint()) << i;
        EXPECT_NE(sorted[i], sorted[i + 1]) << i;
    }
    EXPECT_LT(eui64::from_uint(0xff), eui64::from_uint(0x0100'0000'0000'0000));
}

TEST(mac_address, hashes_equal_values_equally) {
    std::unordered_set<mac_address> macs;
    macs.insert(mac_address::parse("01:23:45:67:89:ab").value());
    macs.insert(mac_address::parse("01-23-45-67-89-AB").value()); // the same address
    macs.insert(mac_address::parse("0123.4567.89ac").value());    // a different one
    EXPECT_EQ(macs.size(), 2u);
    std::unordered_set<eui64> euis;
    euis.insert(eui64::parse("0123456789abcdef").value());
    euis.insert(eui64::parse("01:23:45:67:89:AB:CD:EF").value()); // the same identifier
    EXPECT_EQ(euis.size(), 1u);
    EXPECT_EQ(std::hash<mac_address>{}(mac_address::broadcast()),
              std::hash<mac_address>{}(mac_address::parse("ffffffffffff").value()));
}

// ---------------------------------------------------------------------------------------------
// any_mac: either length behind one interface

TEST(any_mac, answers_for_the_length_it_holds) {
    struct row {
        std::string_view text;
        std::size_t octets;
        bool multicast;
        bool local;
        std::uint32_t oui;
        std::string_view link_local;
        std::string_view dot;
        const char* why;
    };
    const row rows[] = {
        {"00:00:5e:00:53:01", 6, false, false, 0x00005e, "fe80::200:5eff:fe00:5301",
         "0000.5e00.5301", "EUI-48: widened with ff:fe"},
        {"00-00-5E-EF-10-00-00-01", 8, false, false, 0x00005e, "fe80::200:5eef:1000:1",
         "0000.5eef.1000.0001", "EUI-64: U/L flipped only"},
        {"0300.5e00.0001", 6, true, true, 0x03005e, "fe80::100:5eff:fe00:1", "0300.5e00.0001",
         "local multicast EUI-48"},
        {"ffffffffffffffff", 8, true, true, 0xffffff, "fe80::fdff:ffff:ffff:ffff",
         "ffff.ffff.ffff.ffff", "all-ones EUI-64"},
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(testing::Message() << r.text << ": " << r.why);
        const any_mac m = parse_mac(r.text).value();
        EXPECT_EQ(m.octets(), r.octets);
        EXPECT_EQ(m.is_multicast(), r.multicast);
        EXPECT_EQ(m.is_unicast(), !r.multicast);
        EXPECT_EQ(m.is_local(), r.local);
        EXPECT_EQ(m.is_universal(), !r.local);
        EXPECT_EQ(m.oui(), r.oui);
        EXPECT_EQ(m.ipv6_link_local(), weft::addr::ipv6_address::parse(r.link_local).value());
        EXPECT_EQ(m.to_string(mac_format::dot), r.dot);
        EXPECT_EQ(m.string_length(mac_format::dot), r.dot.size());
        EXPECT_EQ(fmt::format("{}", m), m.to_string());
    }
    EXPECT_TRUE(any_mac(mac_address::broadcast()).is_broadcast());             // six ones
    EXPECT_TRUE(any_mac(eui64::broadcast()).is_broadcast());                   // eight ones
    EXPECT_FALSE(any_mac(mac_address::broadcast().to_eui64()).is_broadcast()); // ff:fe inside
}

TEST(any_mac, keeps_the_two_lengths_apart) {
    const auto m = mac_address::from_uint(0x0123'4567'89ab);
    const auto e = eui64::from_uint(0x0123'4567'89ab);
    EXPECT_NE(any_mac(m), any_mac(e));                              // same number, different length
    EXPECT_LT(any_mac(mac_address::broadcast()), any_mac(eui64())); // every EUI-48 first
    EXPECT_LT(any_mac(m), any_mac(mac_address::broadcast()));       // then numeric
    EXPECT_EQ(any_mac(), any_mac(mac_address()));                   // default is an EUI-48
    EXPECT_EQ(any_mac(m).as_mac_address(), m);                      // holds the EUI-48
    EXPECT_EQ(any_mac(m).as_eui64(), std::nullopt);                 // and no EUI-64
    EXPECT_EQ(any_mac(e).as_eui64(), e);                            // holds the EUI-64
    EXPECT_EQ(any_mac(e).as_mac_address(), std::nullopt);           // and no EUI-48
    std::unordered_set<any_mac> set{any_mac(m), any_mac(e), any_mac(m)};
    EXPECT_EQ(set.size(), 2u); // hashing tells them apart too
}

} // namespace
