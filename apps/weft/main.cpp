// weft: one binary for the toolkit's commands (ip, mac, asn, port, ...).

#include "commands.hpp"
#include "output.hpp"

#include <fmt/format.h>

int main(int argc, char** argv) {
    CLI::App app{"weft: addressing, sockets, DNS, HTTP and a web server in one toolkit"};
    app.name("weft");
    app.require_subcommand(1);
    int status = weft::cli::exit_ok;
    weft::cli::add_ip_commands(app, status);
    weft::cli::add_mac_commands(app, status);
    weft::cli::add_asn_commands(app, status);
    weft::cli::add_port_commands(app, status);
    weft::cli::add_serve_commands(app, status);
    weft::cli::add_echo_commands(app, status);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // One line naming the problem; the usage is one `--help` away.
        fmt::print(stderr, "weft: {} (see weft --help)\n", e.what());
        return weft::cli::exit_bad_input;
    }
    return status;
}
