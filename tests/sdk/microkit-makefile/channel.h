/* What the two PDs of channel.system agree on: the channel's id at each end, and the call's
 * label and words. */
#ifndef CHANNEL_H
#define CHANNEL_H

#define CLIENT_TO_SERVER 1 /* the client's end: it calls the server (pp="true") */
#define SERVER_TO_CLIENT 2 /* the server's end: it notifies the client */

#define CALL_LABEL 7
#define CALL_ARGUMENT 41
#define REPLY_LABEL 9

#endif
