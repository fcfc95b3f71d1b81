#include "usage.hpp"

#include <weft/addr/parse_error.hpp>

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace weft::cli {
namespace {

// CLI11's own help shows each option's parser type, validator and default
// (`--threads UINT:INT in [0 - 1024]=0`). Ours shows only the name of what it takes.
class help_formatter : public CLI::Formatter {
  public:
    std::string make_option_opts(const CLI::Option* opt) const override {
        if (!opt->get_option_text().empty()) {
            return " " + opt->get_option_text();
        }
        if (opt->get_positional() || opt->get_type_size() == 0) {
            return ""; // a positional is shown by its name; a flag takes nothing
        }
        std::string out = " " + opt->get_type_name();
        if (opt->get_expected_max() > 1) {
            out += " ...";
        }
        if (opt->get_required()) {
            out += " (required)";
        }
        return out;
    }
};

// Examples live beside the CLI definition; CLI::App has no slot for them.
std::map<const CLI::App*, std::string>& examples() {
    static std::map<const CLI::App*, std::string> by_command;
    return by_command;
}

CLI::Validator whole_number(long long lo, long long hi) {
    return CLI::Validator(
        [lo, hi](std::string& text) -> std::string {
            long long value{};
            const char* end = text.data() + text.size();
            const auto [ptr, ec] = std::from_chars(text.data(), end, value);
            if (text.empty() || (ec != std::errc() && ec != std::errc::result_out_of_range) ||
                ptr != end) {
                return fmt::format("{} is not a number (expected {}..{})", addr::quoted(text), lo,
                                   hi);
            }
            if (ec == std::errc::result_out_of_range || value < lo || value > hi) {
                return fmt::format("{} is out of range (expected {}..{})", addr::quoted(text), lo,
                                   hi);
            }
            return {};
        },
        "" /* no description: the help shows "N" and the range is in the option's text */);
}

// Optimal string alignment distance: edits, with a swap of two neighbours as one edit
// ("ifno" is one edit from "info").
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) {
        d[i][0] = i;
    }
    for (std::size_t j = 0; j <= b.size(); ++j) {
        d[0][j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

bool is_option_word(std::string_view word) {
    return word.size() > 1 && word[0] == '-' && word != "--";
}

std::vector<const CLI::App*> subcommands_of(const CLI::App* cmd) {
    return cmd->get_subcommands([](const CLI::App* sub) { return !sub->get_name().empty(); });
}

const CLI::App* find_subcommand(const CLI::App* cmd, const std::string& word) {
    for (const CLI::App* sub : subcommands_of(cmd)) {
        if (sub->check_name(word)) {
            return sub;
        }
    }
    return nullptr;
}

std::vector<std::string> subcommand_names(const CLI::App* cmd) {
    std::vector<std::string> names;
    for (const CLI::App* sub : subcommands_of(cmd)) {
        names.push_back(sub->get_name());
    }
    return names;
}

std::vector<std::string> option_names(const CLI::App* cmd) {
    std::vector<std::string> names;
    for (const CLI::Option* opt : cmd->get_options()) {
        for (const auto& l : opt->get_lnames()) {
            names.push_back("--" + l);
        }
        for (const auto& s : opt->get_snames()) {
            names.push_back("-" + s);
        }
    }
    return names;
}

// Every command below `cmd` whose last word is `word` or close to it: `weft contains` finds
// `weft ip contains`.
void find_commands_named(const CLI::App* cmd, std::string_view word,
                         std::vector<std::string>& found) {
    for (const CLI::App* sub : subcommands_of(cmd)) {
        if (!closest_names(word, {sub->get_name()}).empty()) {
            found.push_back(command_path(sub));
        }
        find_commands_named(sub, word, found);
    }
}

// The prefix of a message about `cmd`: "ip info: ", or "" for weft itself.
std::string where(const CLI::App* cmd) {
    const std::string path = command_path(cmd);
    return path == "weft" ? std::string() : path.substr(5) + ": ";
}

std::string help_hint(const CLI::App* cmd) {
    const std::string path = command_path(cmd);
    return path == "weft" ? "`weft help`" : fmt::format("`weft help {}`", path.substr(5));
}

std::string unknown_command(const CLI::App* cmd, const std::string& word) {
    const std::string path = command_path(cmd);
    std::string out = fmt::format("{}unknown command {}", where(cmd), addr::quoted(word));
    auto near = closest_names(word, subcommand_names(cmd));
    if (!near.empty()) {
        return out + fmt::format(" (did you mean `{} {}`?)", path, near.front());
    }
    std::vector<std::string> elsewhere;
    find_commands_named(cmd, word, elsewhere);
    if (!elsewhere.empty()) {
        return out + fmt::format(" (did you mean `{}`?)", elsewhere.front());
    }
    return out + fmt::format("; the commands are {} (see {})",
                             fmt::join(subcommand_names(cmd), ", "), help_hint(cmd));
}

std::string unknown_option(const CLI::App* cmd, const std::string& name) {
    std::string out = fmt::format("{}unknown option {}", where(cmd), addr::quoted(name));
    auto near = closest_names(name, option_names(cmd));
    if (!near.empty()) {
        return out + fmt::format(" (did you mean {}?)", near.front());
    }
    return out + fmt::format(" (see {})", help_hint(cmd));
}

std::size_t positional_slots(const CLI::App* cmd) {
    std::size_t slots = 0;
    for (const CLI::Option* opt : cmd->get_options()) {
        if (opt->get_positional()) {
            const int most = opt->get_items_expected_max();
            if (most >= (1 << 20)) {
                return std::numeric_limits<std::size_t>::max();
            }
            slots += static_cast<std::size_t>(most);
        }
    }
    return slots;
}

// How the help names an option or positional: "X (address, network or interface)" or
// "--prefix N (new prefix length)".
std::string as_in_help(const CLI::Option* opt) {
    std::string name =
        opt->get_positional()
            ? opt->get_name(true, false)
            : opt->get_name(false, true).substr(0, opt->get_name(false, true).find(','));
    if (!opt->get_positional() && opt->get_type_size() != 0) {
        name += " " + opt->get_type_name();
    }
    if (!opt->get_description().empty()) {
        name += ": " + opt->get_description();
    }
    return name;
}

} // namespace

CLI::Validator number_in(long long lo, long long hi) {
    return whole_number(lo, hi);
}

std::shared_ptr<CLI::Formatter> make_help_formatter() {
    auto f = std::make_shared<help_formatter>();
    f->column_width(34);
    return f;
}

CLI::Option* add_number_option(CLI::App* cmd, const std::string& name, std::size_t& value,
                               std::size_t lo, std::size_t hi, const std::string& description) {
    return cmd->add_option(name, value, description)
        ->check(whole_number(static_cast<long long>(lo), static_cast<long long>(hi)))
        ->type_name("N");
}

CLI::Option* add_number_option(CLI::App* cmd, const std::string& name, int& value, int lo, int hi,
                               const std::string& description) {
    return cmd->add_option(name, value, description)->check(whole_number(lo, hi))->type_name("N");
}

void set_example(CLI::App* cmd, std::string example) {
    cmd->footer("Example:\n  " + example);
    examples()[cmd] = std::move(example);
}

std::string example_of(const CLI::App* cmd) {
    const auto it = examples().find(cmd);
    return it == examples().end() ? std::string() : it->second;
}

std::string command_path(const CLI::App* cmd) {
    std::vector<std::string> words;
    for (const CLI::App* c = cmd; c != nullptr; c = c->get_parent()) {
        words.push_back(c->get_name());
    }
    std::reverse(words.begin(), words.end());
    return fmt::format("{}", fmt::join(words, " "));
}

const CLI::App* find_command(const CLI::App& root, const std::vector<std::string>& words,
                             std::string& error) {
    const CLI::App* cmd = &root;
    for (const auto& word : words) {
        const CLI::App* sub = find_subcommand(cmd, word);
        if (sub == nullptr || sub->get_name().empty()) {
            error = unknown_command(cmd, word);
            return nullptr;
        }
        cmd = sub;
    }
    return cmd;
}

std::vector<std::string> closest_names(std::string_view typo,
                                       const std::vector<std::string>& candidates) {
    std::string_view bare = typo;
    while (!bare.empty() && bare.front() == '-') {
        bare.remove_prefix(1);
    }
    const std::size_t limit = std::clamp<std::size_t>(bare.size() / 3, 1, 2);
    std::vector<std::pair<std::size_t, std::string>> scored;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(typo, c);
        const bool prefix = typo.size() >= 2 + (typo.size() - bare.size()) && c.starts_with(typo);
        if (d <= limit || prefix) {
            scored.emplace_back(prefix ? 0 : d, c);
        }
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (auto& [d, name] : scored) {
        out.push_back(std::move(name));
    }
    return out;
}

std::string describe_usage_error(const CLI::App& root, const std::vector<std::string>& args,
                                 const CLI::ParseError& error) {
    // Walk the words as CLI11 did, to find the first one it could not place.
    const CLI::App* cmd = &root;
    std::size_t positionals = 0;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& word = args[i];
        if (word == "--") {
            break;
        }
        if (is_option_word(word)) {
            const std::string name = word.substr(0, word.find('='));
            const CLI::Option* opt = cmd->get_option_no_throw(name);
            if (opt == nullptr) {
                return unknown_option(cmd, name);
            }
            if (opt->get_type_size() != 0 && word.find('=') == std::string::npos) {
                ++i; // its value
            }
            continue;
        }
        if (const CLI::App* sub = find_subcommand(cmd, word)) {
            cmd = sub;
            positionals = 0;
            continue;
        }
        const std::size_t slots = positional_slots(cmd);
        if (slots == 0 && !subcommands_of(cmd).empty()) {
            return unknown_command(cmd, word);
        }
        if (++positionals > slots) {
            return fmt::format("{}unexpected argument {} (see {})", where(cmd), addr::quoted(word),
                               help_hint(cmd));
        }
    }

    if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
        for (const CLI::Option* opt : cmd->get_options()) {
            if (opt->get_required() && opt->count() == 0) {
                return fmt::format("{}missing {} (see {})", where(cmd), as_in_help(opt),
                                   help_hint(cmd));
            }
        }
        if (cmd->get_require_subcommand_min() > 0 && cmd->get_subcommands().empty()) {
            return fmt::format("{}which command? {} (see {})", where(cmd),
                               fmt::join(subcommand_names(cmd), ", "), help_hint(cmd));
        }
    }
    // A bad value: CLI11's text names the option ("--threads: "abc" is not a number ...").
    return fmt::format("{}{}", where(cmd), error.what());
}

} // namespace weft::cli
