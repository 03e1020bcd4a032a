"""A fake Telegram Bot API (a real local HTTP server) and helpers that speak to the webhook as Telegram does."""
import itertools

import pytest

from aidcoord.worker.services import run_worker

TOKEN = "123456:test-token"
SECRET = "webhook-secret-for-tests"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@pytest.fixture
def bot_api(app, httpserver):
    """The fake Bot API: answers sendMessage like Telegram and keeps every call (httpserver.log)."""
    app.config.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_WEBHOOK_SECRET=SECRET,
                      TELEGRAM_API_URL=httpserver.url_for("/").rstrip("/"))
    counter = itertools.count(1)

    def send_message(request):
        import json

        from werkzeug.wrappers import Response
        chat_id = int(request.args["chat_id"])
        body = {"ok": True, "result": {"message_id": next(counter), "date": 0, "text": request.args.get("text"),
                                       "chat": {"id": chat_id, "type": "private"}}}
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request(f"/bot{TOKEN}/sendMessage").respond_with_handler(send_message)
    def send_document(request):
        import json

        from werkzeug.wrappers import Response
        chat_id = int(request.args.get("chat_id") or request.form["chat_id"])
        body = {"ok": True, "result": {"message_id": next(counter), "date": 0,
                                       "chat": {"id": chat_id, "type": "private"}}}
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request(f"/bot{TOKEN}/sendDocument").respond_with_handler(send_document)
    httpserver.expect_request(f"/bot{TOKEN}/setWebhook").respond_with_json({"ok": True, "result": True})
    return httpserver


class Person:
    """Someone writing to the bot: each message or button press is a new update through the webhook."""

    update_ids = itertools.count(1000)

    def __init__(self, client, app, bot_api, user_id: int, first_name: str = "Ani"):
        self.client, self.app, self.bot_api = client, app, bot_api
        self.user_id, self.first_name = user_id, first_name

    def _user(self):
        return {"id": self.user_id, "is_bot": False, "first_name": self.first_name}

    def _chat(self):
        return {"id": self.user_id, "type": "private"}

    def post(self, update, secret=SECRET):
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        return self.client.post("/telegram/webhook", json=update, headers=headers)

    def says(self, text, *, update_id=None, work=True):
        update = {"update_id": update_id or next(self.update_ids), "message": {
            "message_id": 1, "date": 0, "chat": self._chat(), "from": self._user(), "text": text}}
        return self._deliver(update, work)

    def presses(self, data, *, work=True):
        update = {"update_id": next(self.update_ids), "callback_query": {
            "id": "1", "from": self._user(), "chat_instance": "1", "data": data,
            "message": {"message_id": 1, "date": 0, "chat": self._chat()}}}
        return self._deliver(update, work)

    def _deliver(self, update, work):
        response = self.post(update)
        assert response.status_code == 200, response.get_json()
        if work:
            with self.app.app_context():
                run_worker(burst=True)
        return response

    def replies(self):
        """The texts sent to this person, oldest first."""
        return [request.args["text"] for request, _ in self.bot_api.log
                if request.path.endswith("/sendMessage") and int(request.args["chat_id"]) == self.user_id]

    def documents(self):
        """(caption, file content) of the files sent to this person."""
        found = []
        for request, _ in self.bot_api.log:
            if request.path.endswith("/sendDocument"):
                fields = {**request.args, **request.form}
                if int(fields["chat_id"]) == self.user_id:
                    found.append((fields.get("caption"), request.files["document"].read()))
        return found

    def last_reply(self):
        return self.replies()[-1]


@pytest.fixture
def person(client, app, bot_api):
    def make(user_id=555001, first_name="Ani"):
        return Person(client, app, bot_api, user_id, first_name)
    return make
