#include <weft/addr/services.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <ranges>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace {

using weft::addr::lookup;
using weft::addr::parse_service_line;
using weft::addr::parse_services;
using weft::addr::port;
using weft::addr::service_entry;
using weft::addr::services_view;

// The view is a lazy constexpr range over the text.
static_assert(std::forward_iterator<services_view::iterator>);
static_assert(std::ranges::forward_range<services_view>);
static_assert(std::ranges::distance(services_view("a 1/tcp\n# c\nb 2/udp x\nbad\n")) == 2);
static_assert(parse_service_line("ssh 22/tcp # SSH")->port == port(22));
static_assert(!parse_service_line("# ssh 22/tcp"));

// A services file as found in the wild: tabs, CRLF, comments, and lines that glibc would
// skip or that are broken.
constexpr std::string_view sample = "# Network services, Internet style\n"
                                    "\n"
                                    "tcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer\n"
                                    "ssh\t\t22/tcp\t\t\t\t# SSH Remote Login Protocol\n"
                                    "domain\t\t53/tcp\n"
                                    "domain\t\t53/udp\n"
                                    "http\t\t80/tcp\t\twww www-http\t# WorldWideWeb HTTP\n"
                                    "   \t \n"
                                    "   # an indented comment\n"
                                    "kerberos\t88/tcp\t\tkerberos5 krb5 kerberos-sec\r\n"
                                    "broken\t\t99999/tcp\n"
                                    "noproto\t\t7/\n"
                                    "noslash\t\t7\n"
                                    "onlyname\n"
                                    "/tcp\n"
                                    "leadingzero\t022/tcp\n"
                                    "twoslashes\t23/tcp/udp\n"
                                    "gopher\t\t70/tcp#no space before the comment\n"
                                    "gopher\t\t70/udp\n"
                                    "  indented\t8080/tcp\thttp-alt \n"
                                    "sctp-only\t9/sctp\t\tdiscard-sctp\n"
                                    "ssh\t\t22/udp\n"
                                    "final\t\t4242/tcp";

struct expected_entry {
    std::string_view name;
    std::uint16_t port;
    std::string_view protocol;
    std::string_view aliases;
};

TEST(services, parses_a_file_skipping_odd_lines) {
    const expected_entry rows[] = {
        {"tcpmux", 1, "tcp", ""},                               // comment after the fields
        {"ssh", 22, "tcp", ""},                                 // tabs between fields
        {"domain", 53, "tcp", ""},                              // no comment
        {"domain", 53, "udp", ""},                              // same name, other protocol
        {"http", 80, "tcp", "www www-http"},                    // two aliases
        {"kerberos", 88, "tcp", "kerberos5 krb5 kerberos-sec"}, // CRLF line ending
        {"gopher", 70, "tcp", ""},                              // '#' right after the field
        {"gopher", 70, "udp", ""},                              // the line after it
        {"indented", 8080, "tcp", "http-alt"},                  // leading and trailing blanks
        {"sctp-only", 9, "sctp", "discard-sctp"},               // another protocol
        {"ssh", 22, "udp", ""},                                 // a name seen before
        {"final", 4242, "tcp", ""},                             // no newline at the end
    };
    const auto entries = parse_services(sample);
    ASSERT_EQ(entries.size(), std::size(rows));
    for (std::size_t i = 0; i < entries.size(); ++i) {
        SCOPED_TRACE(rows[i].name);
        EXPECT_EQ(entries[i].name, rows[i].name);
        EXPECT_EQ(entries[i].port, port(rows[i].port));
        EXPECT_EQ(entries[i].protocol, rows[i].protocol);
        EXPECT_EQ(entries[i].aliases, rows[i].aliases);
    }
}

TEST(services, entries_view_into_the_text) {
    for (const service_entry e : services_view(sample)) {
        for (const std::string_view v : {e.name, e.protocol}) {
            EXPECT_GE(v.data(), sample.data());
            EXPECT_LE(v.data() + v.size(), sample.data() + sample.size());
        }
    }
}

TEST(services, view_iterates_lazily_like_the_vector) {
    const auto entries = parse_services(sample);
    std::vector<service_entry> seen;
    for (auto it = services_view(sample).begin(); it != services_view(sample).end(); ++it) {
        seen.push_back(*it);
        EXPECT_EQ(it->name, seen.back().name);
    }
    EXPECT_EQ(seen, entries);
}

TEST(services, parses_single_lines) {
    struct row {
        std::string_view line;
        std::optional<expected_entry> entry;
    };
    const row rows[] = {
        {"ssh 22/tcp", expected_entry{"ssh", 22, "tcp", ""}},                // minimal
        {"http 80/tcp www # web", expected_entry{"http", 80, "tcp", "www"}}, // alias and comment
        {"x 0/udp", expected_entry{"x", 0, "udp", ""}},                      // port 0
        {"x 65535/tcp", expected_entry{"x", 65535, "tcp", ""}},              // the largest port
        {"x 1/tcp\r", expected_entry{"x", 1, "tcp", ""}},                    // CR of a CRLF file
        {"", std::nullopt},                                                  // blank
        {" \t ", std::nullopt},                                              // only blanks
        {"# ssh 22/tcp", std::nullopt},                                      // comment
        {"ssh", std::nullopt},                                               // a name only
        {"ssh 22", std::nullopt},                                            // no protocol
        {"ssh 22/", std::nullopt},                                           // empty protocol
        {"ssh /tcp", std::nullopt},                                          // empty port
        {"ssh 65536/tcp", std::nullopt},                                     // port too big
        {"ssh -1/tcp", std::nullopt},                                        // negative port
        {"ssh 022/tcp", std::nullopt},                                       // leading zero
        {"ssh 22/tcp/udp", std::nullopt},                                    // two protocols
        {"ssh #22/tcp", std::nullopt},                                       // fields commented out
        {"22/tcp ssh", std::nullopt},                                        // fields swapped
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.line);
        const auto e = parse_service_line(r.line);
        ASSERT_EQ(e.has_value(), r.entry.has_value());
        if (e) {
            EXPECT_EQ(e->name, r.entry->name);
            EXPECT_EQ(e->port, port(r.entry->port));
            EXPECT_EQ(e->protocol, r.entry->protocol);
            EXPECT_EQ(e->aliases, r.entry->aliases);
        }
    }
}

TEST(services, skips_everything_in_text_without_entries) {
    EXPECT_TRUE(parse_services("").empty());
    EXPECT_TRUE(parse_services("\n\n# only comments\n  \n").empty());
    EXPECT_TRUE(parse_services("garbage\n\x01\x02/\n").empty());
}

TEST(services, looks_up_a_port_in_every_protocol) {
    const auto ssh = lookup(sample, port(22));
    ASSERT_EQ(ssh.size(), 2u);
    EXPECT_EQ(ssh[0].protocol, "tcp");
    EXPECT_EQ(ssh[1].protocol, "udp");
    EXPECT_EQ(ssh[0].name, "ssh");

    const auto domain = lookup(sample, port(53));
    ASSERT_EQ(domain.size(), 2u);
    EXPECT_EQ(domain[0].name, "domain");
    EXPECT_EQ(domain[1].name, "domain");

    EXPECT_TRUE(lookup(sample, port(99)).empty());
    EXPECT_TRUE(lookup(sample, port(7)).empty()); // only on malformed lines
}

TEST(services, looks_up_a_port_and_protocol) {
    struct row {
        std::uint16_t port;
        std::string_view protocol;
        std::optional<std::string_view> name;
    };
    const row rows[] = {
        {22, "tcp", "ssh"},        // like getservbyport(22, "tcp")
        {22, "udp", "ssh"},        // the later udp line
        {9, "sctp", "sctp-only"},  // another protocol
        {80, "udp", std::nullopt}, // no udp line for http
        {7, "tcp", std::nullopt},  // port 7 is only on malformed lines
        {22, "TCP", std::nullopt}, // protocols are case-sensitive
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.port);
        const auto e = lookup(sample, port(r.port), r.protocol);
        ASSERT_EQ(e.has_value(), r.name.has_value());
        if (e) {
            EXPECT_EQ(e->name, *r.name);
        }
    }
}

TEST(services, looks_up_a_name_and_protocol) {
    struct row {
        std::string_view name;
        std::string_view protocol;
        std::optional<std::uint16_t> port;
    };
    const row rows[] = {
        {"ssh", "tcp", 22},              // like getservbyname("ssh", "tcp")
        {"domain", "udp", 53},           // the second domain line
        {"www", "tcp", 80},              // an alias
        {"www-http", "tcp", 80},         // the second alias
        {"krb5", "tcp", 88},             // an alias on a CRLF line
        {"http-alt", "tcp", 8080},       // an alias with trailing blanks
        {"ssh", "", 22},                 // empty protocol: any
        {"sctp-only", "", 9},            // any protocol finds sctp too
        {"http", "udp", std::nullopt},   // no such protocol
        {"SSH", "tcp", std::nullopt},    // names are case-sensitive
        {"broken", "tcp", std::nullopt}, // a malformed line is not an entry
        {"www ", "tcp", std::nullopt},   // no trimming of the query
        {"", "tcp", std::nullopt},       // empty name matches nothing
    };
    for (const auto& r : rows) {
        SCOPED_TRACE(r.name);
        const auto p = lookup(sample, r.name, r.protocol);
        ASSERT_EQ(p.has_value(), r.port.has_value());
        if (p) {
            EXPECT_EQ(*p, port(*r.port));
        }
    }
}

TEST(service_entry, has_name_matches_name_and_aliases) {
    const auto e = parse_service_line("http 80/tcp www\twww-http").value();
    EXPECT_TRUE(e.has_name("http"));
    EXPECT_TRUE(e.has_name("www"));
    EXPECT_TRUE(e.has_name("www-http"));
    EXPECT_FALSE(e.has_name("ww"));
    EXPECT_FALSE(e.has_name(""));
}

TEST(services, reads_the_real_etc_services) {
    const std::filesystem::path path = "/etc/services";
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        GTEST_SKIP() << "no readable " << path;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();

    bool ssh_tcp = false;
    for (const auto& e : lookup(text, port(22))) {
        ssh_tcp = ssh_tcp || (e.name == "ssh" && e.protocol == "tcp");
    }
    EXPECT_TRUE(ssh_tcp);

    bool domain_tcp = false;
    bool domain_udp = false;
    for (const auto& e : lookup(text, port(53))) {
        domain_tcp = domain_tcp || (e.name == "domain" && e.protocol == "tcp");
        domain_udp = domain_udp || (e.name == "domain" && e.protocol == "udp");
    }
    EXPECT_TRUE(domain_tcp);
    EXPECT_TRUE(domain_udp);

    EXPECT_EQ(lookup(text, "ssh", "tcp"), port(22));
    EXPECT_EQ(lookup(text, "domain", "udp"), port(53));
    EXPECT_GT(parse_services(text).size(), 100u);
}

} // namespace
