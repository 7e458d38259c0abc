/// @file
/// Ref<T>: one `T` in memory shared with another protection domain.
#pragma once

#include <sel4/shared_memory/volatile_copy.hpp>

#include <atomic>
#include <cstdint>
#include <type_traits>

namespace sel4::shared_memory {

struct Region;
template <class T> class Slice;

namespace detail {
/// The class and the field type of a pointer to data member.
template <class M> struct MemberTraits;
template <class C, class F> struct MemberTraits<F C::*> {
    using Class = C; ///< The class the member belongs to.
    using Field = F; ///< The member's type.
};
} // namespace detail

/// A `T` at a checked place (in bounds, aligned) of a shared region: the only ways to reach it
/// are whole-value volatile copies and field accesses, volatile or atomic, so a peer writing
/// the same memory can never make the compiler read a field twice and see two values.
///
/// `T` is trivially copyable (it is shared as bytes); `Ref<const T>` offers the reads only.
/// Made by Region::ref and Slice. A field that the peer writes concurrently (an index, a
/// flag) is accessed with load()/store() only, never with read()/write(): mixed plain and
/// atomic access to one field would be a data race.
///
/// ```cpp
/// auto header = region.ref<QueueHeader>(0);               // Result<Ref<QueueHeader>>
/// std::uint16_t tail = header->load<&QueueHeader::tail>(std::memory_order_acquire);
/// header->store<&QueueHeader::head>(head + 1, std::memory_order_release);
/// ```
template <class T> class Ref {
    static_assert(std::is_trivially_copyable_v<T>, "shared memory holds plain values: T must be trivially copyable");
    static_assert(!std::is_volatile_v<T>, "Ref's accesses are volatile already; name T without volatile");

public:
    /// The type without const.
    using Value = std::remove_const_t<T>;

    /// The whole value, read once, in the widest words that tile it.
    Value read() const noexcept { return detail::read_whole<Value>(object_); }

    /// Writes the whole value once, in the widest words that tile it.
    void write(const Value &value) const noexcept
        requires(!std::is_const_v<T>)
    {
        detail::write_whole(const_cast<Value *>(object_), value);
    }

    /// The field `Member` (`&T::field`), read once (volatile).
    template <auto Member> auto read() const noexcept {
        using Field = field_type<Member>;
        return detail::read_whole<Field>(&(object_->*Member));
    }

    /// Writes the field `Member` once (volatile).
    template <auto Member>
    void write(const typename detail::MemberTraits<decltype(Member)>::Field &value) const noexcept
        requires(!std::is_const_v<T>)
    {
        detail::write_whole(&(const_cast<Value *>(object_)->*Member), value);
    }

    /// The integer field `Member`, loaded atomically with `order`.
    template <auto Member>
    auto load(std::memory_order order = std::memory_order_seq_cst) const noexcept {
        using Field = atomic_field_type<Member>;
        return std::atomic_ref<Field>(const_cast<Field &>(object_->*Member)).load(order);
    }

    /// Stores `value` to the integer field `Member` atomically with `order`.
    template <auto Member>
    void store(typename detail::MemberTraits<decltype(Member)>::Field value,
               std::memory_order order = std::memory_order_seq_cst) const noexcept
        requires(!std::is_const_v<T>)
    {
        using Field = atomic_field_type<Member>;
        std::atomic_ref<Field>(const_cast<Value *>(object_)->*Member).store(value, order);
    }

    /// The address of the `T` (for logs and for comparing views).
    std::uintptr_t address() const noexcept { return reinterpret_cast<std::uintptr_t>(object_); }

    /// A read-only view of the same `T`.
    operator Ref<const T>() const noexcept
        requires(!std::is_const_v<T>)
    {
        return Ref<const T>(object_);
    }

private:
    friend struct Region;
    template <class> friend class Slice;
    template <class> friend class Ref;

    template <auto Member> using field_type = typename detail::MemberTraits<decltype(Member)>::Field;

    template <auto Member> struct AtomicField {
        using Traits = detail::MemberTraits<decltype(Member)>;
        static_assert(std::is_same_v<typename Traits::Class, Value>, "the member must be one of T's");
        using type = typename Traits::Field;
        static_assert(std::is_integral_v<type>, "atomic access is for integer fields (indices, flags)");
        // Only loads and stores are offered: for a naturally aligned integer no wider than a
        // pointer they are single instructions on every arch (GCC inlines them on riscv64 too,
        // where is_always_lock_free is false for 8- and 16-bit types: their read-modify-writes
        // would call libatomic).
        static_assert(sizeof(type) <= sizeof(void *), "atomic access is for fields no wider than a word");
        static_assert(alignof(type) >= std::atomic_ref<type>::required_alignment,
                      "the field's natural alignment is not enough for atomic access");
    };
    template <auto Member> using atomic_field_type = typename AtomicField<Member>::type;

    explicit Ref(T *object) noexcept : object_(object) {}

    T *object_;
};

} // namespace sel4::shared_memory
