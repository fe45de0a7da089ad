-- api-service keeps verified API keys in memory (ApiKeyCache). Every change that can refuse a key is
-- announced on the channel api_key_changed with the key's id, whoever makes it (the API, a person with
-- SQL), and every instance forgets that key when the announcement arrives; notifications are sent on
-- commit, so a rolled-back change announces nothing. Last-used times refuse nothing and are not
-- announced: they are written once a minute per key in use.
create function announce_api_key_change() returns trigger language plpgsql as $$
begin
    perform pg_notify('api_key_changed', old.id::text);
    return null;
end
$$;

create trigger api_key_changed after update on api_keys for each row
    when (old.revoked_at is distinct from new.revoked_at
          or old.expires_at is distinct from new.expires_at
          or old.permissions is distinct from new.permissions
          or old.key_hash is distinct from new.key_hash
          or old.user_id is distinct from new.user_id)
    execute function announce_api_key_change();

create trigger api_key_deleted after delete on api_keys for each row
    execute function announce_api_key_change();
