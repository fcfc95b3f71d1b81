// weft: one binary for the toolkit's commands (ip, mac, asn, port, serve, echo, ...).

#include "commands.hpp"
#include "output.hpp"
#include "usage.hpp"

#include <string>
#include <vector>

#include <fmt/format.h>

namespace {

// The help lists subcommands under "Commands:", the word users and the README use.
void name_command_groups(CLI::App& app) {
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
        sub->group("Commands");
        name_command_groups(*sub);
    }
}

} // namespace

int main(int argc, char** argv) {
    using namespace weft::cli;
    CLI::App app{"weft: addressing, sockets, DNS, HTTP and a web server in one toolkit"};
    app.name("weft");
    app.formatter(make_help_formatter());
    app.require_subcommand(0, 1); // none is answered below: --version, or a usage error
    bool version = false;
    bool json = false;
    app.add_flag("--version", version, "weft's version, libraries and io backend");
    app.add_flag("--json", json, "with --version: print JSON");
    int status = exit_ok;
    add_ip_commands(app, status);
    add_mac_commands(app, status);
    add_asn_commands(app, status);
    add_port_commands(app, status);
    add_serve_commands(app, status);
    add_echo_commands(app, status);
    add_version_commands(app, status);
    add_help_commands(app, status);

    name_command_groups(app);
    app.footer("`weft help COMMAND...` describes a command; `weft help --all` lists them all.");
    const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // One line naming the problem and the nearest valid spelling; help is one step away.
        fmt::print(stderr, "weft: {}\n", describe_usage_error(app, args, e));
        return exit_bad_input;
    }
    if (app.get_subcommands().empty()) {
        if (version) {
            return print_version(json);
        }
        if (json) {
            fmt::print(stderr, "weft: --json needs a command or --version (see `weft help`)\n");
            return exit_bad_input;
        }
        // `weft` alone: what there is to run, on stderr since nothing was done.
        fmt::print(stderr, "{}", app.help());
        return exit_bad_input;
    }
    return status;
}
