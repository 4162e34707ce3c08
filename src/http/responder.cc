// Responder and EventStream: thin handles over a shared Exchange.
#include "http/responder.h"

#include "http/exchange.h"

namespace greenlight::http {

using detail::Exchange;

Responder::Responder(std::shared_ptr<Exchange> exchange) : exchange_(std::move(exchange)) {}

bool Responder::send(HttpResponse response) const { return exchange_->answer(std::move(response)); }

bool Responder::isOpen() const { return exchange_->phase() == Exchange::Phase::Waiting; }

bool Responder::onClose(std::function<void()> callback) const {
  return exchange_->addCloseCallback(std::move(callback));
}

void Responder::sendAfter(std::chrono::milliseconds timeout, HttpResponse fallback) const {
  exchange_->armTimeout(timeout, std::move(fallback));
}

EventStream Responder::startEventStream() const {
  exchange_->startStream();
  return EventStream(exchange_);
}

EventStream::EventStream(std::shared_ptr<Exchange> exchange) : exchange_(std::move(exchange)) {}

bool EventStream::send(const ServerSentEvent& event) const {
  return exchange_->queueStreamBytes(formatServerSentEvent(event));
}

bool EventStream::sendComment(std::string_view text) const {
  return exchange_->queueStreamBytes(formatServerSentComment(text));
}

void EventStream::close() const { exchange_->finishStream(); }

bool EventStream::isOpen() const { return exchange_->phase() == Exchange::Phase::Streaming; }

bool EventStream::onClose(std::function<void()> callback) const {
  return exchange_->addCloseCallback(std::move(callback));
}

}  // namespace greenlight::http
