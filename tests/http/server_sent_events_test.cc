// Formatting and incremental parsing of text/event-stream.
#include "http/server_sent_events.h"

#include <gtest/gtest.h>

#include <vector>

namespace greenlight::http {
namespace {

std::vector<ServerSentEvent> parseInPieces(const std::string& stream, size_t pieceSize) {
  std::vector<ServerSentEvent> events;
  ServerSentEventParser parser([&events](const ServerSentEvent& event) {
    events.push_back(event);
    return true;
  });
  for (size_t i = 0; i < stream.size(); i += pieceSize) parser.feed(stream.substr(i, pieceSize));
  return events;
}

TEST(ServerSentEventsTest, FormatsMultiLineDataAsSeveralFields) {
  EXPECT_EQ(formatServerSentEvent({"progress", "line 1\nline 2", "7"}),
            "event: progress\nid: 7\ndata: line 1\ndata: line 2\n\n");
  EXPECT_EQ(formatServerSentEvent({"message", "x", ""}), "data: x\n\n");
  EXPECT_EQ(formatServerSentComment("keep-alive"), ": keep-alive\n\n");
}

TEST(ServerSentEventsTest, RoundTripsWhateverTheSplit) {
  std::string stream = formatServerSentComment("hello") +
                       formatServerSentEvent({"progress", "{\"done\": 1}", "1"}) +
                       formatServerSentEvent({"message", "a\nb\n", ""}) +
                       formatServerSentEvent({"finished", "", "3"});
  for (size_t pieceSize : {1u, 2u, 3u, 7u, 1000u}) {
    auto events = parseInPieces(stream, pieceSize);
    ASSERT_EQ(events.size(), 3u) << "piece size " << pieceSize;
    EXPECT_EQ(events[0].type, "progress");
    EXPECT_EQ(events[0].data, "{\"done\": 1}");
    EXPECT_EQ(events[0].id, "1");
    EXPECT_EQ(events[1].type, "message");
    EXPECT_EQ(events[1].data, "a\nb\n");
    EXPECT_EQ(events[2].type, "finished");
    EXPECT_EQ(events[2].data, "");
  }
}

TEST(ServerSentEventsTest, AcceptsCarriageReturnLineEndsSplitAcrossFeeds) {
  auto events = parseInPieces("event: a\r\ndata: 1\r\n\r\ndata: 2\r\rdata: 3\n\n", 1);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, "a");
  EXPECT_EQ(events[0].data, "1");
  EXPECT_EQ(events[1].data, "2");
  EXPECT_EQ(events[2].data, "3");
}

TEST(ServerSentEventsTest, StopsWhenTheCallbackSaysSo) {
  int seen = 0;
  ServerSentEventParser parser([&seen](const ServerSentEvent&) { return ++seen < 2; });
  EXPECT_FALSE(parser.feed("data: 1\n\ndata: 2\n\ndata: 3\n\n"));
  EXPECT_EQ(seen, 2);
}

}  // namespace
}  // namespace greenlight::http
