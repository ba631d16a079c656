def test_home_page_invites_coaches_to_sign_up(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Start your practice" in response.content
