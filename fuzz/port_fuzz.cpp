// Fuzzes port::parse, port_range::parse and the services(5) parser: anything that parses must
// format and parse back to the same value, and every services entry must point into the input
// and be found again by lookup.
#include <weft/addr/port.hpp>
#include <weft/addr/services.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

void check(bool ok) {
    if (!ok) {
        __builtin_trap();
    }
}

bool inside(std::string_view part, std::string_view whole) {
    return part.empty() || (part.data() >= whole.data() &&
                            part.data() + part.size() <= whole.data() + whole.size());
}

void fuzz_port(std::string_view text) {
    using weft::addr::port;
    const auto p = port::parse(text);
    if (!p) {
        check(p.error().offset <= text.size());
        return;
    }
    char buf[port::max_string_length];
    const std::string_view out(buf, p->format_to(buf));
    check(out == text); // leading zeros are rejected, so accepted text is canonical
    check(port::parse(out) == p);
}

void fuzz_port_range(std::string_view text) {
    using weft::addr::port_range;
    const auto r = port_range::parse(text);
    if (!r) {
        check(r.error().offset <= text.size());
        return;
    }
    check(r->first() <= r->last());
    check(r->contains(r->first()) && r->contains(r->last()));
    check(r->size() == static_cast<std::uint32_t>(r->last().to_uint() - r->first().to_uint()) + 1);
    char buf[port_range::max_string_length];
    const std::string_view out(buf, r->format_to(buf));
    check(port_range::parse(out) == r);
}

void fuzz_services(std::string_view text) {
    using namespace weft::addr;
    std::size_t count = 0;
    for (const service_entry e : services_view(text)) {
        check(!e.name.empty() && !e.protocol.empty());
        check(inside(e.name, text) && inside(e.protocol, text) && inside(e.aliases, text));
        check(e.has_name(e.name));
        // A name is found again, though an earlier line may map it to another port.
        check(lookup(text, e.name, e.protocol).has_value());
        const auto same_port = lookup(text, e.port, e.protocol);
        check(same_port.has_value() && same_port->port == e.port);
        if (++count == 64) {
            break; // the lookups rescan the text: bound the quadratic work per input
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    fuzz_port(text);
    fuzz_port_range(text);
    fuzz_services(text);
    return 0;
}
