# %pre of cairn-agent: the system user must exist before rpm installs files owned by its group.
# Shared with cairn-appliance; whichever package comes first creates it.
getent group cairn >/dev/null || groupadd --system cairn
getent passwd cairn >/dev/null || \
    useradd --system --gid cairn --home-dir /var/lib/cairn --no-create-home \
        --shell /sbin/nologin --comment "Cairn metrics store" cairn
exit 0
