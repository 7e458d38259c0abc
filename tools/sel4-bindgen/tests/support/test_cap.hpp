// The stand-in Cap<Object> for host tests of a generated invocations.hpp: a CPtr whose
// typed methods use sel4::test::ipc_buffer; and AbsoluteCPtr, a CNode and a path from it.
// Include it after <sel4/gen/invocations.hpp>.
#pragma once

#include <sel4/gen/invocations.hpp>

namespace sel4 {

template <class Object> class Cap : public gen::Methods<Object, Cap<Object>> {
public:
    constexpr explicit Cap(CPtr cptr) noexcept : cptr_(cptr) {}
    constexpr CPtr cptr() const noexcept { return cptr_; }
    IpcBuffer &ipc_buffer() const noexcept { return test::ipc_buffer; }

private:
    CPtr cptr_;
};

class AbsoluteCPtr {
public:
    constexpr AbsoluteCPtr(Cap<obj::CNode> root, RelativeCPtr path) noexcept : root_(root), path_(path) {}
    constexpr Cap<obj::CNode> root() const noexcept { return root_; }
    constexpr Word index() const noexcept { return path_.index(); }
    constexpr std::uint8_t depth() const noexcept { return path_.depth(); }

private:
    Cap<obj::CNode> root_;
    RelativeCPtr path_;
};

} // namespace sel4
