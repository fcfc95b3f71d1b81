// Zero allocations on the addr parse/format path (STYLE.md 2.5, 2.9; netip's TestNoAllocs).
//
// This binary replaces every global operator new and delete with versions that count, so
// it must stay a program of its own. Each test runs the code under test between two reads
// of the counter; `keep` stops the optimiser from deleting work whose result is unused.
// The to_string tests prove the counter works: they must see allocations, or every
// zero-allocation assertion here could pass for the wrong reason.
#include <weft/addr/asn.hpp>
#include <weft/addr/ip_address.hpp>
#include <weft/addr/ipv4_address.hpp>
#include <weft/addr/ipv6_address.hpp>
#include <weft/addr/mac_address.hpp>
#include <weft/addr/network.hpp>
#include <weft/addr/port.hpp>
#include <weft/addr/socket_address.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace {

std::atomic<std::size_t> allocation_count{0};

void* counted_alloc(std::size_t size) noexcept {
    allocation_count.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}

void* counted_aligned_alloc(std::size_t size, std::align_val_t align) noexcept {
    allocation_count.fetch_add(1, std::memory_order_relaxed);
    const auto alignment = std::max(static_cast<std::size_t>(align), sizeof(void*));
    void* p = nullptr;
    return posix_memalign(&p, alignment, size == 0 ? 1 : size) == 0 ? p : nullptr;
}

void* checked(void* p) {
    if (p == nullptr) {
        throw std::bad_alloc();
    }
    return p;
}

} // namespace

// The replaceable global allocation functions ([new.delete]), every overload.
void* operator new(std::size_t size) {
    return checked(counted_alloc(size));
}
void* operator new[](std::size_t size) {
    return checked(counted_alloc(size));
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    return counted_alloc(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    return counted_alloc(size);
}
void* operator new(std::size_t size, std::align_val_t align) {
    return checked(counted_aligned_alloc(size, align));
}
void* operator new[](std::size_t size, std::align_val_t align) {
    return checked(counted_aligned_alloc(size, align));
}
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
    return counted_aligned_alloc(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
    return counted_aligned_alloc(size, align);
}
// g++ 12 cannot see that these operators pair with the malloc-based operator new above.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
    std::free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
    std::free(p);
}

namespace {

using namespace weft::addr;

// Makes `value` observable so the computation that produced it is not optimised away.
template <class T> void keep(const T& value) {
    asm volatile("" : : "r"(&value) : "memory");
}

// @returns the number of allocations `f()` makes.
template <class F> std::size_t allocations_in(F&& f) {
    const std::size_t before = allocation_count.load(std::memory_order_relaxed);
    f();
    return allocation_count.load(std::memory_order_relaxed) - before;
}

// Valid and invalid text for every family: the error path must not allocate either.
constexpr std::string_view ipv4_inputs[] = {
    "192.168.0.1",     // valid
    "255.255.255.255", // longest
    "",                // empty
    "1.2.3.04",        // leading zero
    "256.1.1.1",       // octet overflow
    "1.2.3",           // too few parts
    "1.2.3.4.5",       // too many parts
    "1.2.3.4%eth0",    // a zone on IPv4
};

constexpr std::string_view ipv6_inputs[] = {
    "2001:db8::1",                                   // valid, compressed
    "2001:0db8:85a3:0000:0000:8a2e:0370:7334",       // all eight groups
    "::ffff:192.0.2.1",                              // embedded IPv4
    "fe80::1%eth0",                                  // with a zone
    "fe80::1%abcdefghijklmnop",                      // a 16-character zone, the longest
    "",                                              // empty
    "::1::",                                         // two "::"
    "1:2:3:4:5:6:7:8:9",                             // too many groups
    "12345::",                                       // group too long
    "::ffff:1.2.3.04",                               // bad embedded IPv4
    "fe80::1%",                                      // empty zone
    "fe80::1%abcdefghijklmnopq",                     // zone too long
    "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", // longest text form
};

constexpr std::string_view network4_inputs[] = {
    "192.168.100.0/26",       // valid
    "192.168.100.1/26",       // host bits: lenient clears, strict rejects
    "10.0.0.0/255.0.0.0",     // netmask
    "10.0.0.0/0.255.255.255", // hostmask
    "10.0.0.0/255.0.255.0",   // not a mask
    "10.0.0.0/",              // missing prefix
    "10.0.0.0/33",            // prefix out of range
    "10.0.0.0/08",            // leading zero
    "1.2.3.4",                // bare address, a /32
    "1.2.3.4.5/8",            // bad address
};

constexpr std::string_view network6_inputs[] = {
    "2001:db8::/32",    // valid
    "2001:db8::1/32",   // host bits
    "::/0",             // everything
    "fe80::1%eth0/64",  // zone: an interface only
    "2001:db8::/129",   // prefix out of range
    "2001:db8::/",      // missing prefix
    "2001:db8::/64/64", // junk after the prefix
    "2001:db8::",       // bare address, a /128
};

TEST(ipv4_address_noalloc, parse_valid_and_invalid) {
    for (const auto text : ipv4_inputs) {
        EXPECT_EQ(allocations_in([&] { keep(ipv4_address::parse(text)); }), 0u) << text;
    }
}

TEST(ipv6_address_noalloc, parse_valid_and_invalid) {
    for (const auto text : ipv6_inputs) {
        EXPECT_EQ(allocations_in([&] { keep(ipv6_address::parse(text)); }), 0u) << text;
    }
}

TEST(ip_address_noalloc, parse_valid_and_invalid) {
    for (const auto text : ipv4_inputs) {
        EXPECT_EQ(allocations_in([&] { keep(ip_address::parse(text)); }), 0u) << text;
    }
    for (const auto text : ipv6_inputs) {
        EXPECT_EQ(allocations_in([&] { keep(ip_address::parse(text)); }), 0u) << text;
    }
}

TEST(ipv4_network_noalloc, parse_lenient_strict_and_interface) {
    for (const auto text : network4_inputs) {
        EXPECT_EQ(allocations_in([&] {
                      keep(ipv4_network::parse(text, parse_mode::lenient));
                      keep(ipv4_network::parse(text, parse_mode::strict));
                      keep(ipv4_interface::parse(text));
                  }),
                  0u)
            << text;
    }
}

TEST(ipv6_network_noalloc, parse_lenient_strict_and_interface) {
    for (const auto text : network6_inputs) {
        EXPECT_EQ(allocations_in([&] {
                      keep(ipv6_network::parse(text, parse_mode::lenient));
                      keep(ipv6_network::parse(text, parse_mode::strict));
                      keep(ipv6_interface::parse(text));
                  }),
                  0u)
            << text;
    }
}

TEST(ipv4_address_noalloc, format_to_and_reverse_pointer_to) {
    const auto a = ipv4_address::parse("255.255.255.255").value();
    char buf[ipv4_address::max_string_length];
    char rev[ipv4_address::max_reverse_pointer_length];
    std::size_t n = 0;
    std::size_t rn = 0;
    EXPECT_EQ(allocations_in([&] {
                  n = a.format_to(buf);
                  rn = a.reverse_pointer_to(rev);
                  keep(buf);
                  keep(rev);
              }),
              0u);
    EXPECT_EQ(std::string_view(buf, n), "255.255.255.255");
    EXPECT_EQ(std::string_view(rev, rn), "255.255.255.255.in-addr.arpa");
}

TEST(ipv6_address_noalloc, format_to_exploded_to_and_reverse_pointer_to) {
    for (const auto text : {"2001:db8::1%eth0", "::ffff:192.0.2.1", "1:0:0:1::1", "::"}) {
        const auto a = ipv6_address::parse(text).value();
        char buf[ipv6_address::max_string_length];
        char exploded[ipv6_address::max_exploded_length];
        char rev[ipv6_address::max_reverse_pointer_length];
        std::size_t n = 0;
        EXPECT_EQ(allocations_in([&] {
                      n = a.format_to(buf);
                      keep(a.exploded_to(exploded));
                      keep(a.reverse_pointer_to(rev));
                      keep(buf);
                      keep(exploded);
                      keep(rev);
                  }),
                  0u)
            << text;
        EXPECT_EQ(std::string_view(buf, n), text);
    }
}

TEST(ip_address_noalloc, format_to) {
    for (const auto text : {"192.0.2.1", "2001:db8::1"}) {
        const auto a = ip_address::parse(text).value();
        char buf[ip_address::max_string_length];
        std::size_t n = 0;
        EXPECT_EQ(allocations_in([&] {
                      n = a.format_to(buf);
                      keep(buf);
                  }),
                  0u)
            << text;
        EXPECT_EQ(std::string_view(buf, n), text);
    }
}

TEST(network_noalloc, format_to) {
    const auto n4 = ipv4_network::parse("192.168.100.0/26").value();
    const auto n6 = ipv6_network::parse("2001:db8::/32").value();
    const auto i6 = ipv6_interface::parse("fe80::1%eth0/64").value();
    char b4[ipv4_network::max_string_length];
    char b6[ipv6_network::max_string_length];
    char bi[ipv6_interface::max_string_length];
    std::size_t l4 = 0;
    std::size_t l6 = 0;
    std::size_t li = 0;
    EXPECT_EQ(allocations_in([&] {
                  l4 = n4.format_to(b4);
                  l6 = n6.format_to(b6);
                  li = i6.format_to(bi);
                  keep(b4);
                  keep(b6);
                  keep(bi);
              }),
              0u);
    EXPECT_EQ(std::string_view(b4, l4), "192.168.100.0/26");
    EXPECT_EQ(std::string_view(b6, l6), "2001:db8::/32");
    EXPECT_EQ(std::string_view(bi, li), "fe80::1%eth0/64");
}

TEST(ipv6_address_noalloc, fmt_format_to_n_into_a_fixed_buffer) {
    const auto a = ipv6_address::parse("2001:db8::1").value();
    char buf[64];
    EXPECT_EQ(allocations_in([&] {
                  keep(fmt::format_to_n(buf, sizeof buf, "{}", a));
                  keep(buf);
              }),
              0u);
}

TEST(ip_address_noalloc, predicates) {
    const auto v4 = ip_address::parse("192.168.0.1").value();
    const auto v6 = ip_address::parse("2001:db8::1").value();
    const auto mapped = ipv6_address::parse("::ffff:10.0.0.1").value();
    const auto n4 = ipv4_network::parse("10.0.0.0/8").value();
    const auto n6 = ipv6_network::parse("fe80::/10").value();
    EXPECT_EQ(allocations_in([&] {
                  for (const auto& a : {v4, v6}) {
                      keep(a.is_private());
                      keep(a.is_global());
                      keep(a.is_reserved());
                      keep(a.is_loopback());
                      keep(a.is_multicast());
                      keep(a.is_link_local());
                      keep(a.is_documentation());
                      keep(a.is_unspecified());
                  }
                  keep(mapped.is_private());
                  keep(mapped.is_global());
                  keep(mapped.ipv4_mapped());
                  keep(mapped.teredo());
                  keep(mapped.sixtofour());
                  keep(n4.is_private());
                  keep(n4.is_global());
                  keep(n6.is_private());
                  keep(n6.is_link_local());
                  keep(n6.is_reserved());
              }),
              0u);
}

TEST(network_noalloc, hosts_subnets_and_contains) {
    const auto n4 = ipv4_network::parse("192.168.100.0/26").value();
    const auto n6 = ipv6_network::parse("2001:db8::/64").value();
    std::size_t hosts = 0;
    std::size_t subnets4 = 0;
    std::size_t subnets6 = 0;
    bool contained = true;
    EXPECT_EQ(allocations_in([&] {
                  for (const auto h : n4.hosts()) {
                      contained = contained && n4.contains(h);
                      ++hosts;
                  }
                  const auto quarters = n4.subnets(28);
                  for (const auto s : *quarters) {
                      contained = contained && n4.contains(s) && s.subnet_of(n4);
                      ++subnets4;
                  }
                  const auto sixty_sixes = n6.subnets(66);
                  for (const auto s : *sixty_sixes) {
                      contained = contained && n6.contains(s) && n6.supernet_of(s);
                      ++subnets6;
                  }
                  // A /64 has 2^64 hosts: iterate a few, lazily.
                  std::size_t few = 0;
                  for (const auto h : n6.hosts()) {
                      contained = contained && n6.contains(h);
                      if (++few == 16) {
                          break;
                      }
                  }
                  keep(n4.supernet());
                  keep(n6.subnets(128)->size());
                  keep(n4.overlaps(ipv4_network::parse("192.168.100.32/27").value()));
              }),
              0u);
    EXPECT_TRUE(contained);
    EXPECT_EQ(hosts, 62u);
    EXPECT_EQ(subnets4, 4u);
    EXPECT_EQ(subnets6, 4u);
}

// The counter must see allocations, or the zero results above prove nothing. The texts
// are longer than std::string's 15-character small-string buffer.
TEST(mac_asn_port_noalloc, parse_format_and_classify) {
    // Valid and invalid text for the other addr parsers; their errors must not allocate.
    constexpr std::string_view macs[] = {"01:23:45:67:89:ab",
                                         "0123.4567.89ab",
                                         "0123456789ab",
                                         "01:23:45:67:89:ab:cd:ef",
                                         "01:23-45:67:89:ab",
                                         "",
                                         "zz"};
    for (const auto text : macs) {
        EXPECT_EQ(allocations_in([&] {
                      const auto m = parse_mac(text);
                      char buf[any_mac::max_string_length];
                      if (m) {
                          keep(m->format_to(buf, mac_format::dot));
                          keep(m->is_multicast());
                          keep(m->ipv6_link_local());
                      }
                      keep(m);
                  }),
                  0u)
            << text;
    }
    constexpr std::string_view asns[] = {"65536", "AS65536", "1.0", "65536.0", "4294967296", ""};
    for (const auto text : asns) {
        EXPECT_EQ(allocations_in([&] {
                      const auto a = asn::parse(text);
                      char buf[asn::max_string_length];
                      if (a) {
                          keep(a->format_to(buf, asn_format::asdot));
                          keep(a->category());
                      }
                      keep(a);
                  }),
                  0u)
            << text;
    }
    constexpr std::string_view ports[] = {"0", "443", "65535", "65536", "08", "8000-8080", ""};
    for (const auto text : ports) {
        EXPECT_EQ(allocations_in([&] {
                      keep(port::parse(text));
                      keep(port_range::parse(text));
                  }),
                  0u)
            << text;
    }
    constexpr std::string_view sockets[] = {"1.2.3.4:80", "[fe80::1%eth0]:22", "[::1]", "::1:80"};
    for (const auto text : sockets) {
        EXPECT_EQ(allocations_in([&] {
                      const auto sa = socket_address::parse(text);
                      char buf[socket_address::max_string_length];
                      if (sa) {
                          keep(sa->format_to(buf));
                      }
                      keep(sa);
                  }),
                  0u)
            << text;
    }
}

TEST(addr_noalloc, to_string_allocates) {
    const auto v6 = ipv6_address::parse("2001:db8:85a3::8a2e:370:7334").value();
    const auto net = ipv6_network::parse("2001:db8:85a3::/48").value();
    EXPECT_GE(allocations_in([&] {
                  const std::string s = v6.to_string();
                  keep(s);
                  keep(s.data()[0]);
              }),
              1u);
    EXPECT_GE(allocations_in([&] {
                  const std::string s = net.to_string();
                  keep(s);
                  keep(s.data()[0]);
              }),
              1u);
    EXPECT_GE(allocations_in([&] {
                  auto* p = new int(42);
                  keep(*p);
                  delete p;
              }),
              1u);
}

// Rendering a parse error is the documented moment allocation may start.
TEST(addr_noalloc, error_message_allocates_only_when_rendered) {
    const auto r = ipv4_address::parse("1.2.3.04 with a long tail");
    ASSERT_FALSE(r.has_value());
    EXPECT_GE(allocations_in([&] {
                  const std::string m = r.error().message("1.2.3.04 with a long tail");
                  keep(m);
                  keep(m.data()[0]);
              }),
              1u);
}

} // namespace
