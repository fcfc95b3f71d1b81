// weft help [COMMAND...]: the help of a command, as `git help` does; `--all` lists every
// command with its example, and `--all --json` is the CLI's definition as data (the tests
// walk it to run every command).

#include "commands.hpp"
#include "output.hpp"
#include "usage.hpp"

#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace weft::cli {
namespace {

namespace json = boost::json;

json::object describe_command(const CLI::App* cmd) {
    json::array arguments;
    json::array options;
    bool has_json = false;
    for (const CLI::Option* opt : cmd->get_options()) {
        json::object o;
        o["description"] = opt->get_description();
        if (opt->get_positional()) {
            o["name"] = opt->get_name(true, false);
            o["required"] = opt->get_required();
            arguments.push_back(std::move(o));
            continue;
        }
        const std::string names = opt->get_name(false, true);
        o["name"] = names;
        o["takes"] =
            opt->get_type_size() == 0 ? json::value(nullptr) : json::value(opt->get_type_name());
        o["required"] = opt->get_required();
        has_json = has_json || opt->check_lname("json");
        options.push_back(std::move(o));
    }
    json::array subcommands;
    for (const CLI::App* sub :
         cmd->get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); })) {
        subcommands.emplace_back(sub->get_name());
    }
    json::object o;
    o["command"] = command_path(cmd);
    o["description"] = cmd->get_description();
    const std::string example = example_of(cmd);
    o["example"] = example.empty() ? json::value(nullptr) : json::value(example);
    o["arguments"] = std::move(arguments);
    o["options"] = std::move(options);
    o["json"] = has_json;
    o["subcommands"] = std::move(subcommands);
    return o;
}

void collect(const CLI::App* cmd, json::array& out) {
    out.push_back(describe_command(cmd));
    for (const CLI::App* sub :
         cmd->get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); })) {
        collect(sub, out);
    }
}

void print_all(const CLI::App* cmd) {
    for (const CLI::App* sub :
         cmd->get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); })) {
        const std::string example = example_of(sub);
        fmt::print("{:<22}  {}\n", command_path(sub), sub->get_description());
        if (!example.empty()) {
            fmt::print("{:<22}  e.g. {}\n", "", example);
        }
        print_all(sub);
    }
}

} // namespace

void add_help_commands(CLI::App& app, int& status) {
    struct options {
        std::vector<std::string> words;
        bool all = false;
        bool json = false;
    };
    auto opt = std::make_shared<options>();
    auto* help = app.add_subcommand("help", "the help of a command (weft help ip info)");
    help->add_option("COMMAND", opt->words, "the command's words; none for weft itself");
    help->add_flag("--all", opt->all, "list every command with an example");
    help->add_flag("--json", opt->json, "with --all: the commands as a JSON array");
    set_example(help, "weft help ip info");
    const CLI::App* root = &app;
    help->callback([opt, root, &status] {
        std::string error;
        const CLI::App* cmd = find_command(*root, opt->words, error);
        if (cmd == nullptr) {
            fmt::print(stderr, "weft: {}\n", error);
            status = exit_bad_input;
            return;
        }
        if (opt->json && !opt->all) {
            status = fail("help", "--json lists commands: use it with --all");
            return;
        }
        if (opt->all) {
            if (opt->json) {
                json::array all;
                collect(cmd, all);
                print_json(all);
            } else {
                print_all(cmd);
            }
            status = exit_ok;
            return;
        }
        // The formatter itself: App::help would describe the selected subcommand, `help`.
        fmt::print("{}", cmd->get_formatter()->make_help(cmd, command_path(cmd),
                                                         CLI::AppFormatMode::Normal));
        status = exit_ok;
    });
}

} // namespace weft::cli
