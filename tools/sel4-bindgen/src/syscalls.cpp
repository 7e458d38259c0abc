#include "syscalls.hpp"

#include "diagnostics.hpp"
#include "xml.hpp"

#include <tinyxml2.h>

#include <cctype>
#include <cstring>
#include <set>

namespace sel4_bindgen::syscalls {

namespace {

using tinyxml2::XMLElement;

class Reader {
public:
    Reader(const std::string &path, const config::Config &config) : path_(path), config_(config) {}

    Syscalls read(const tinyxml2::XMLDocument &document) {
        const XMLElement *root = document.RootElement();
        if (!root || std::strcmp(root->Name(), "syscalls") != 0)
            fail(root ? root->GetLineNum() : 1, "expected the root element <syscalls>");
        Syscalls result;
        result.api = config_.is_defined("KERNEL_MCS") ? "api-mcs" : "api-master";
        const XMLElement *api = nullptr;
        const XMLElement *debug = nullptr;
        for (const XMLElement *child = root->FirstChildElement(); child; child = child->NextSiblingElement()) {
            std::string name = child->Name();
            if (name == "api-master" || name == "api-mcs") {
                if (name == result.api) {
                    if (api)
                        fail(child->GetLineNum(), "second <" + name + "> element");
                    api = child;
                }
            } else if (name == "debug") {
                if (debug)
                    fail(child->GetLineNum(), "second <debug> element");
                debug = child;
            } else {
                fail(child->GetLineNum(), "unknown element <" + name + "> in <syscalls>");
            }
        }
        if (!api)
            fail(root->GetLineNum(), "no <" + result.api + "> element (chosen by KERNEL_MCS)");
        long number = -1;
        read_list(*api, result, number);
        if (api->FirstChildElement("config") != api->LastChildElement("config"))
            fail(api->GetLineNum(), "<" + result.api + "> must have exactly one <config>");
        if (debug)
            read_list(*debug, result, number);
        return result;
    }

private:
    [[noreturn]] void fail(int line, const std::string &what) const { throw InputError(path_, line, what); }

    void read_list(const XMLElement &list, Syscalls &result, long &number) {
        if (!list.FirstChildElement())
            fail(list.GetLineNum(), "<" + std::string(list.Name()) + "> has no <config> element");
        for (const XMLElement *block = list.FirstChildElement(); block; block = block->NextSiblingElement()) {
            if (std::strcmp(block->Name(), "config") != 0)
                fail(block->GetLineNum(), "unknown element <" + std::string(block->Name()) + "> in <" +
                                              list.Name() + "> (expected <config>)");
            xml::Condition condition;
            bool seen_condition = false;
            for (const XMLElement *item = block->FirstChildElement(); item; item = item->NextSiblingElement()) {
                std::string name = item->Name();
                if (name == "condition") {
                    if (seen_condition)
                        fail(item->GetLineNum(), "second <condition> in one <config>");
                    seen_condition = true;
                    condition = xml::evaluate(*item, path_, config_);
                } else if (name == "syscall") {
                    result.list.push_back(read_syscall(*item, condition, number--));
                } else {
                    fail(item->GetLineNum(), "unknown element <" + name + "> in <config>");
                }
            }
        }
    }

    Syscall read_syscall(const XMLElement &element, const xml::Condition &condition, long number) {
        const char *name = element.Attribute("name");
        if (!name || !*name)
            fail(element.GetLineNum(), "<syscall> without a name");
        bool identifier = std::isalpha(static_cast<unsigned char>(name[0]));
        for (const char *c = name; *c; ++c)
            identifier = identifier && (std::isalnum(static_cast<unsigned char>(*c)) || *c == '_');
        if (!identifier)
            fail(element.GetLineNum(), "syscall name '" + std::string(name) + "' is not an identifier");
        if (!names_.insert(name).second)
            fail(element.GetLineNum(), "syscall '" + std::string(name) + "' appears twice");
        return {name, number, condition.holds, condition.text, element.GetLineNum()};
    }

    const std::string &path_;
    const config::Config &config_;
    std::set<std::string> names_;
};

} // namespace

Syscalls parse(const std::string &text, const std::string &path, const config::Config &config) {
    tinyxml2::XMLDocument document;
    xml::parse(document, text, path);
    return Reader(path, config).read(document);
}

Syscalls load(const std::string &path, const config::Config &config) {
    return parse(read_text_file(path), path, config);
}

} // namespace sel4_bindgen::syscalls
