# %preun of cairn-appliance: on erase ($1 = 0), not on upgrade, stop and disable the service.
if [ "$1" -eq 0 ]; then
    if [ -d /run/systemd/system ]; then
        systemctl --no-reload disable --now cairn-appliance.service >/dev/null 2>&1 || :
    else
        systemctl --no-reload disable cairn-appliance.service >/dev/null 2>&1 || :
    fi
fi
exit 0
