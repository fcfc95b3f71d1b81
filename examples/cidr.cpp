// The book's first example: CIDR arithmetic with values, no allocation, errors that say where.
//
//   $ example_cidr
//   192.168.100.0/26: 64 addresses, 192.168.100.0 - 192.168.100.63
//   ...

#include <weft/addr/literals.hpp>
#include <weft/addr/network.hpp>

#include <cstdlib>

#include <fmt/format.h>

using namespace weft::addr;
using namespace weft::addr::literals;

// A typo in a literal is a compile error, not a runtime one.
static_assert("10.0.0.0/8"_net4.contains("10.1.2.3"_ip4));
static_assert(sizeof(ipv4_address) == 4);

int main() {
    const auto iface = ipv4_interface::parse("192.168.100.1/26");
    if (!iface) {
        return EXIT_FAILURE;
    }
    const ipv4_network net = iface->network();
    fmt::print("{}: {} addresses, {} - {}\n", net, net.num_addresses().to_string(),
               net.network_address(), net.broadcast_address());
    for (const ipv4_network sub : net.subnets(28)) { // lazy: computed as iterated
        fmt::print("  subnet {} hosts {} - {}\n", sub, sub.first_host(), sub.last_host());
    }

    // Strict parsing rejects host bits and says what was meant.
    const std::string_view text = "192.168.100.1/26";
    const auto strict = ipv4_network::parse(text, parse_mode::strict);
    fmt::print("strict: {}\n", strict.error().message(text));

    // The exact count of a /0 does not fit in 128 bits; num_addresses() still knows it.
    fmt::print("::/0 holds {} addresses\n", "::/0"_net6.num_addresses().to_string());
    return net.num_addresses() == 64 && net.broadcast_address() == "192.168.100.63"_ip4
               ? EXIT_SUCCESS
               : EXIT_FAILURE;
}
