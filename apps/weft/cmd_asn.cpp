// weft asn info: an AS number in asplain and asdot (RFC 5396) and what it is reserved for.

#include "commands.hpp"
#include "output.hpp"
#include "usage.hpp"

#include <weft/addr/asn.hpp>

#include <memory>
#include <string>

namespace weft::cli {

void add_asn_commands(CLI::App& app, int& status) {
    auto* asn = app.add_subcommand("asn", "32-bit AS numbers: asplain, asdot, ranges");
    asn->require_subcommand(1);
    struct options {
        std::string text;
        bool json = false;
    };
    auto opt = std::make_shared<options>();
    auto* info = asn->add_subcommand("info", "formats and category of AS number A");
    info->add_option("A", opt->text, "65536, AS65536 or asdot 1.0")->required();
    info->add_flag("--json", opt->json, "print JSON instead of a table");
    set_example(info, "weft asn info AS65536");
    info->callback([opt, &status] {
        const auto a = addr::asn::parse(opt->text);
        if (!a) {
            status = fail("asn info", opt->text, a.error());
            return;
        }
        boost::json::object o;
        o["asn"] = a->to_uint();
        o["asplain"] = a->to_string(addr::asn_format::asplain);
        o["asdot"] = a->to_string(addr::asn_format::asdot);
        o["bits"] = a->bits();
        o["category"] = addr::to_string(a->category());
        print_object(o, opt->json);
        status = exit_ok;
    });
}

} // namespace weft::cli
