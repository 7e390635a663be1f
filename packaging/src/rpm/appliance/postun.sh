# %postun of cairn-appliance: after an upgrade ($1 >= 1) restart the running service on the new files.
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || :
    if [ "$1" -ge 1 ]; then
        systemctl try-restart cairn-appliance.service >/dev/null 2>&1 || :
    fi
fi
exit 0
