/* The server's protocol: the label is the operation, the message registers its operands. */
#pragma once

enum {
    /* MR0, MR1 -> MR0 = MR0 + MR1, MR1 = MR0 * MR1 */
    OP_ADD_MUL = 1,
    /* MR0..MRn-1 -> MR0 = the sum, MR1 = the count n */
    OP_SUM = 2,
    /* -> MR0 = the number of calls the server has answered before this one */
    OP_CALLS = 3,
};

/* The label of an answer: OK, or an error for an unknown operation or a wrong channel. */
enum { REPLY_OK = 0, REPLY_BAD_OP = 1, REPLY_BAD_CHANNEL = 2 };
